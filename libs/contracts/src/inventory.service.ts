import { Observable } from 'rxjs';

export interface Stock {
  sku: string;
  available: number;
  instance: string;
}

export interface StockLevel {
  sku: string;
  available: number;
  at: string;
}

export interface Reservation {
  id: string;
  sku: string;
  quantity: number;
  instance: string;
}

/** Error payload of `reserve` when stock is short (a domain error, mapped to HTTP 409 by the consumer). */
export interface OutOfStockError {
  code: 'OUT_OF_STOCK';
  message: string;
  sku: string;
  requested: number;
  available: number;
}

export const OUT_OF_STOCK = 'OUT_OF_STOCK';

/** A more realistic contract: an idempotent read, a write that can fail with a domain error, and a stream. */
export abstract class InventoryService {
  abstract getStock(sku: string): Promise<Stock>;
  abstract reserve(sku: string, quantity: number): Promise<Reservation>;
  abstract watchStock(sku: string, updates: number): Observable<StockLevel>;
}

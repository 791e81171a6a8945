import { Inject } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { InventoryService, OUT_OF_STOCK, OutOfStockError, Reservation, Stock, StockLevel } from '@nestrpc/contracts';
import { RpcService } from '@nestrpc/server';
import { randomUUID } from 'crypto';
import { interval, map, Observable, take } from 'rxjs';
import { ProviderConfig } from './provider.config';
import { PROVIDER_CONFIG } from './tokens';

const INITIAL_STOCK: Record<string, number> = { apple: 10, pear: 3, plum: 0 };

/** In-memory stock per provider instance (a demo: each instance has its own warehouse). */
@RpcService(InventoryService, { version: '1.0.0' })
export class InventoryServiceImpl implements InventoryService {
  private readonly stock = new Map(Object.entries(INITIAL_STOCK));

  constructor(@Inject(PROVIDER_CONFIG) private readonly config: ProviderConfig) {}

  async getStock(sku: string): Promise<Stock> {
    return { sku, available: this.stock.get(sku) ?? 0, instance: this.config.instanceName };
  }

  async reserve(sku: string, quantity: number): Promise<Reservation> {
    const available = this.stock.get(sku) ?? 0;
    if (!Number.isInteger(quantity) || quantity < 1) throw new RpcException({ code: 'BAD_QUANTITY', message: `quantity must be a positive integer, got ${quantity}` });
    if (quantity > available) {
      const error: OutOfStockError = { code: OUT_OF_STOCK, message: `Only ${available} ${sku} left, ${quantity} requested`, sku, requested: quantity, available };
      throw new RpcException(error);
    }
    this.stock.set(sku, available - quantity);
    return { id: randomUUID(), sku, quantity, instance: this.config.instanceName };
  }

  watchStock(sku: string, updates: number): Observable<StockLevel> {
    const count = Math.min(Math.max(1, Number(updates) || 5), 100);
    return interval(200).pipe(
      take(count),
      map(() => ({ sku, available: this.stock.get(sku) ?? 0, at: new Date().toISOString() })),
    );
  }
}

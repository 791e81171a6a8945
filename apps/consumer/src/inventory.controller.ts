import { Controller, Get, MessageEvent, Param, ParseIntPipe, Post, Query, Sse, UseFilters } from '@nestjs/common';
import { InventoryService, Reservation, Stock } from '@nestrpc/contracts';
import { map, Observable } from 'rxjs';
import { RpcErrorToHttpFilter } from './rpc-error.filter';

@Controller('stock')
@UseFilters(RpcErrorToHttpFilter)
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get(':sku')
  stock(@Param('sku') sku: string): Promise<Stock> {
    return this.inventory.getStock(sku);
  }

  /** A domain error (`OUT_OF_STOCK`) from the provider becomes HTTP 409. */
  @Post(':sku/reserve')
  reserve(@Param('sku') sku: string, @Query('quantity', new ParseIntPipe({ optional: true })) quantity = 1): Promise<Reservation> {
    return this.inventory.reserve(sku, quantity);
  }

  /** Server-sent events streamed straight from the provider's Observable. */
  @Sse(':sku/watch')
  watch(@Param('sku') sku: string, @Query('updates', new ParseIntPipe({ optional: true })) updates = 5): Observable<MessageEvent> {
    return this.inventory.watchStock(sku, updates).pipe(map((level) => ({ data: level })));
  }
}

import { Ctx, EventPattern, MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { CONTEXT_PARAM_TYPE, EVENT_HANDLER_TYPE, PATTERN_HANDLER_METADATA, PATTERN_METADATA, PAYLOAD_PARAM_TYPE, ROUTE_ARGS_METADATA, TRANSPORT_METADATA } from './nest-metadata';

/**
 * The explorer reads metadata that Nest's public decorators write, under keys and values Nest
 * does not export (Nest 12's `exports` map hides the internal paths). These fail when Nest
 * changes one of them, instead of the explorer silently finding no handlers.
 */
class Controller {
  @MessagePattern('sum')
  sum(@Payload() _numbers: number[], @Ctx() _context: unknown): void {}

  @EventPattern('tick')
  tick(): void {}

  @MessagePattern('tcp-only', Transport.TCP)
  tcpOnly(): void {}
}

const proto = Controller.prototype;

describe('the Nest metadata the explorer relies on', () => {
  it('@MessagePattern writes its patterns under PATTERN_METADATA', () => {
    expect(Reflect.getMetadata(PATTERN_METADATA, proto.sum)).toEqual(['sum']);
  });

  it('@EventPattern marks the handler with EVENT_HANDLER_TYPE, @MessagePattern does not', () => {
    expect(Reflect.getMetadata(PATTERN_HANDLER_METADATA, proto.tick)).toBe(EVENT_HANDLER_TYPE);
    expect(Reflect.getMetadata(PATTERN_HANDLER_METADATA, proto.sum)).not.toBe(EVENT_HANDLER_TYPE);
  });

  it('a transport-bound pattern carries TRANSPORT_METADATA (the explorer leaves it to that transport)', () => {
    expect(Reflect.getMetadata(TRANSPORT_METADATA, proto.tcpOnly)).toBe(Transport.TCP);
    expect(Reflect.getMetadata(TRANSPORT_METADATA, proto.sum)).toBeUndefined();
  });

  it('@Payload() and @Ctx() are recorded under ROUTE_ARGS_METADATA as "<type>:<index>" with our param types', () => {
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Controller, 'sum') as Record<string, { index: number }>;
    expect(args[`${PAYLOAD_PARAM_TYPE}:0`]).toEqual(expect.objectContaining({ index: 0 }));
    expect(args[`${CONTEXT_PARAM_TYPE}:1`]).toEqual(expect.objectContaining({ index: 1 }));
  });
});

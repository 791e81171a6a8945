import { ExecutionContext, PipeTransform } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '../explorer/nest-metadata';
import { Arg } from './arg.decorator';

class Trim implements PipeTransform {
  transform(value: unknown): unknown {
    return typeof value === 'string' ? value.trim() : value;
  }
}

class Target {
  method(_first: unknown, _second: unknown, _third: unknown): void {}
}
Arg(1, Trim)(Target.prototype, 'method', 0);
Arg()(Target.prototype, 'method', 1);

interface ArgEntry {
  index: number;
  data: unknown;
  pipes: unknown[];
  factory: (data: unknown, context: ExecutionContext) => unknown;
}

const entries = Object.values(Reflect.getMetadata(ROUTE_ARGS_METADATA, Target, 'method') as Record<string, ArgEntry>);
const rpcContext = (data: unknown) => ({ switchToRpc: () => ({ getData: () => data }) }) as unknown as ExecutionContext;
const entryFor = (parameter: number) => entries.find((e) => e.index === parameter)!;

describe('@Arg', () => {
  it('binds parameter slots to argument indexes, with pipes', () => {
    expect(entries).toHaveLength(2);
    expect(entryFor(0).data).toBe(1);
    expect(entryFor(0).pipes).toEqual([Trim]);
    expect(entryFor(1).data).toBeUndefined();
  });

  it('resolves the index-th argument of the call, argument 0 without an index', () => {
    expect(entryFor(0).factory(1, rpcContext(['a', ' b ', 'c']))).toBe(' b ');
    expect(entryFor(1).factory(undefined, rpcContext(['a', 'b']))).toBe('a');
  });

  it('is undefined for an argument the caller did not send, or a payload that is not an argument list', () => {
    expect(entryFor(0).factory(1, rpcContext(['only']))).toBeUndefined();
    expect(entryFor(0).factory(1, rpcContext({ 1: 'not a list' }))).toBeUndefined();
    expect(entryFor(1).factory(undefined, rpcContext(undefined))).toBeUndefined();
  });
});

import { RpcRecord, RpcRecordBuilder } from './rpc-record';

describe('RpcRecord', () => {
  it('carries data and options', () => {
    const record = new RpcRecord({ a: 1 }, { timeoutMs: 5, idempotent: true });
    expect(record.data).toEqual({ a: 1 });
    expect(record.options).toEqual({ timeoutMs: 5, idempotent: true });
  });

  it('is built fluently', () => {
    const record = new RpcRecordBuilder([1, 2]).setHeaders({ t: 'x' }).setTimeout(100).setIdempotent().setVersion('1.2.0').build();
    expect(record).toBeInstanceOf(RpcRecord);
    expect(record.data).toEqual([1, 2]);
    expect(record.options).toEqual({ headers: { t: 'x' }, timeoutMs: 100, idempotent: true, version: '1.2.0' });
  });
});

import { RpcError } from './rpc.error';

class SampleError extends RpcError {
  readonly code = 'SAMPLE';
  override readonly retryable = true;
}

describe('RpcError', () => {
  it('names the subclass, keeps the cause and serializes without it', () => {
    const cause = new Error('underneath');
    const error = new SampleError('went wrong', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SampleError');
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({ name: 'SampleError', code: 'SAMPLE', message: 'went wrong', retryable: true });
  });
});

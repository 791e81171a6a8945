import { RemoteError, RpcTimeoutError, ServerOverloadedError } from '@nestrpc/transport';
import { NoProvidersError } from '@nestrpc/discovery';
import { isHealthFailure, isRetrySafe, isServiceFailure } from './call-errors';

describe('call error rules', () => {
  it('counts saturation as a health failure but not a rate limit, which is still retried elsewhere', () => {
    for (const reason of ['concurrency', 'in_flight', 'write_buffer', undefined] as const) {
      expect(isHealthFailure(new ServerOverloadedError('busy', { reason }))).toBe(true);
    }
    const limited = new ServerOverloadedError('slow down', { reason: 'rate_limit' });
    expect(isHealthFailure(limited)).toBe(false);
    expect(isRetrySafe(limited, false)).toBe(true);
  });

  it('trips the service breaker on health failures only, never on NoProvidersError or domain errors', () => {
    expect(isServiceFailure(new RpcTimeoutError('p', 1))).toBe(true);
    expect(isServiceFailure(new NoProvidersError('S', '*', 'none registered'))).toBe(false);
    expect(isServiceFailure(new RemoteError({ code: 'X', message: 'x' }))).toBe(false);
    expect(isServiceFailure(new ServerOverloadedError('slow down', { reason: 'rate_limit' }))).toBe(false);
  });
});

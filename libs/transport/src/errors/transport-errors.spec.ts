import { ResponseDroppedError } from './response-dropped.error';
import { StreamBackpressureError } from './stream-backpressure.error';
import { RemoteError } from './remote.error';
import { ServerDrainingError } from './server-draining.error';
import { ServerOverloadedError } from './server-overloaded.error';
import { fromTransportErrorPayload, toTransportErrorPayload } from './transport-errors';
import { UnknownPatternError } from './unknown-pattern.error';
import { AuthenticationError } from './authentication.error';
import { ForbiddenError } from './forbidden.error';

describe('transport error payloads', () => {
  it('round-trip to the same typed error', () => {
    const cases = [new ServerDrainingError('a:1'), new ServerOverloadedError('busy'), new UnknownPatternError('nope'), new ResponseDroppedError('nope'), new StreamBackpressureError('nope'), new AuthenticationError('Token expired'), new ForbiddenError()];
    for (const error of cases) {
      const back = fromTransportErrorPayload(toTransportErrorPayload(error, 'nope'), 'a:1');
      expect(back).toBeInstanceOf(error.constructor);
      expect(back.code).toBe(error.code);
      expect(back.retryable).toBe(error.retryable);
      expect(back.message).toBe(error.message);
    }
  });

  it('carries an overload reason and retryAfterMs, and drops reasons it does not know', () => {
    const sent = new ServerOverloadedError('slow down', { reason: 'rate_limit', retryAfterMs: 40 });
    const back = fromTransportErrorPayload(toTransportErrorPayload(sent, 'p'), 'a:1') as ServerOverloadedError;
    expect(back).toBeInstanceOf(ServerOverloadedError);
    expect(back).toMatchObject({ reason: 'rate_limit', retryAfterMs: 40, retryable: true, message: 'slow down' });
    const odd = fromTransportErrorPayload({ code: 'OVERLOADED', message: 'x', reason: 'evil label' }, 'a:1') as ServerOverloadedError;
    expect(odd.reason).toBeUndefined();
  });

  it('keeps unknown codes as a RemoteError with the payload', () => {
    const error = fromTransportErrorPayload({ code: 'FRAME_TOO_LARGE', message: 'too big' }, 'a:1');
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.code).toBe('FRAME_TOO_LARGE');
    expect(error.message).toBe('too big');
    expect((error as RemoteError).payload).toEqual({ code: 'FRAME_TOO_LARGE', message: 'too big' });
  });
});

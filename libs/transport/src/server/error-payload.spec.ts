import { ForbiddenException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { RpcTimeoutError } from '../errors/timeout.error';
import { toErrorPayload } from './error-payload';

describe('toErrorPayload', () => {
  it('makes Errors serializable and keeps other payloads as they are', () => {
    expect(toErrorPayload(new TypeError('bad'))).toEqual({ status: 'error', name: 'TypeError', message: 'bad' });
    expect(toErrorPayload({ code: 'X' })).toEqual({ code: 'X' });
    expect(toErrorPayload('plain')).toBe('plain');
  });

  it('unwraps RpcException and HttpException like Nest\'s filters do', () => {
    expect(toErrorPayload(new RpcException({ code: 'E' }))).toEqual({ code: 'E' });
    expect(toErrorPayload(new ForbiddenException())).toEqual({ status: 'error', statusCode: 403, message: 'Forbidden', error: undefined });
  });

  it('keeps the code and retryability of nestrpc errors', () => {
    expect(toErrorPayload(new RpcTimeoutError('p', 5))).toMatchObject({ status: 'error', code: 'TIMEOUT', retryable: false });
  });
});

import { ForbiddenException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { RpcTimeoutError } from '../errors/timeout.error';
import { ForbiddenError } from '../errors/forbidden.error';
import { forbiddenErrorOf, toErrorPayload } from './error-payload';

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

describe('forbiddenErrorOf', () => {
  it.each([
    ["Nest's guard denial (RpcException)", new RpcException('Forbidden resource')],
    ['the payload its exception filter makes of it', { status: 'error', message: 'Forbidden resource' }],
    ["the starters' ForbiddenException", new ForbiddenException('Forbidden resource')],
    ['a ForbiddenError', new ForbiddenError()],
  ])('types %s as ForbiddenError', (_, error) => {
    expect(forbiddenErrorOf(error, 'p')).toBeInstanceOf(ForbiddenError);
  });

  it.each([
    ['another RpcException', new RpcException({ code: 'E' })],
    ['a payload with more fields', { status: 'error', message: 'Forbidden resource', code: 'MINE' }],
    ['another HttpException', new RpcTimeoutError('p', 1)],
  ])('leaves %s alone', (_, error) => {
    expect(forbiddenErrorOf(error, 'p')).toBeUndefined();
  });
});

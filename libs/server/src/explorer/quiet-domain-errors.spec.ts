import { ArgumentsHost } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { quietDomainErrors } from './quiet-domain-errors';

/** The slice of ExternalContextCreator quietDomainErrors reaches into: its filters context creator. */
function fakeContextCreator(customFilterAnswer: unknown) {
  const handler = {
    next: jest.fn((exception: unknown, _host: ArgumentsHost): unknown => ({ loggedAndMapped: exception })),
    invokeCustomFilters: jest.fn((_exception: unknown, _host: ArgumentsHost): unknown => customFilterAnswer),
  };
  const filters = { create: jest.fn((..._args: unknown[]) => handler), other: 'kept' };
  const creator = { filtersContextCreator: filters } as unknown as ExternalContextCreator;
  return { creator, handler, filters };
}

const host = {} as ArgumentsHost;

describe('quietDomainErrors', () => {
  it('lets an RpcException no app filter handled reach the caller without Nest\'s error log', () => {
    const { creator, handler, filters } = fakeContextCreator(false);
    const originalNext = handler.next;
    quietDomainErrors(creator);
    const created = (creator as unknown as { filtersContextCreator: typeof filters }).filtersContextCreator.create('args');
    const domain = new RpcException({ code: 'OUT_OF_STOCK' });
    expect(() => created.next(domain, host)).toThrow(domain);
    expect(handler.invokeCustomFilters).toHaveBeenCalledWith(domain, host);
    expect(originalNext).not.toHaveBeenCalled();
    expect(filters.create).toHaveBeenCalledWith('args');
  });

  it('keeps the app\'s exception filters first: a filter that handled the RpcException answers', () => {
    const { creator, handler } = fakeContextCreator('filtered');
    const originalNext = handler.next;
    quietDomainErrors(creator);
    const created = (creator as unknown as { filtersContextCreator: { create(): typeof handler } }).filtersContextCreator.create();
    expect(created.next(new RpcException('x'), host)).toBe('filtered');
    expect(originalNext).not.toHaveBeenCalled();
  });

  it('sends any other error down Nest\'s usual path (logged)', () => {
    const { creator, handler } = fakeContextCreator(false);
    const originalNext = handler.next;
    quietDomainErrors(creator);
    const created = (creator as unknown as { filtersContextCreator: { create(): typeof handler } }).filtersContextCreator.create();
    const bug = new TypeError('a bug');
    expect(created.next(bug, host)).toEqual({ loggedAndMapped: bug });
    expect(originalNext).toHaveBeenCalledWith(bug, host);
    expect(handler.invokeCustomFilters).not.toHaveBeenCalled();
  });

  it('wraps the creator it was given, leaving the rest of it as it was', () => {
    const { creator, filters } = fakeContextCreator(false);
    quietDomainErrors(creator);
    const wrapped = (creator as unknown as { filtersContextCreator: typeof filters }).filtersContextCreator;
    expect(wrapped).not.toBe(filters);
    expect(Object.getPrototypeOf(wrapped)).toBe(filters);
    expect(wrapped.other).toBe('kept');
  });
});

import { ArgumentsHost } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';

/** The part of Nest's ExternalExceptionsHandler we rely on (same in Nest 11 and 12). */
interface ExceptionsHandler {
  next(exception: unknown, host: ArgumentsHost): unknown;
  invokeCustomFilters(exception: unknown, host: ArgumentsHost): unknown;
}

interface FiltersContextCreator {
  create(...args: unknown[]): ExceptionsHandler;
}

/**
 * Nest's fallback filter for ExternalContextCreator handlers logs every thrown Error as an
 * ERROR stack, `RpcException` included. A handler's `RpcException` is its answer (a domain
 * error such as "out of stock"), as in Nest's own microservices, where it is not logged
 * either. This keeps the app's exception filters first, and lets only an `RpcException` no
 * filter handled pass to the caller without the log; any other error is still logged.
 */
export function quietDomainErrors(contextCreator: ExternalContextCreator): void {
  const owner = contextCreator as unknown as { filtersContextCreator: FiltersContextCreator };
  const filters = owner.filtersContextCreator;
  const quiet = Object.create(filters) as FiltersContextCreator;
  quiet.create = (...args: unknown[]) => {
    const handler = filters.create(...args);
    const next = handler.next.bind(handler);
    handler.next = (exception, host) => {
      if (!(exception instanceof RpcException)) return next(exception, host);
      const handled = handler.invokeCustomFilters(exception, host);
      if (handled) return handled;
      throw exception;
    };
    return handler;
  };
  owner.filtersContextCreator = quiet;
}

import { ExternalContextCreator } from '@nestjs/core';
import { directHandlers } from './direct-handlers';
import { quietDomainErrors } from './quiet-domain-errors';

/**
 * Nest's ExternalContextCreator (a public export of @nestjs/core, the way Nest's own listeners
 * get guards, interceptors, pipes and filters) adjusted for RPC handlers, without touching the
 * shared instance: a derived object overrides
 *
 * - `transformToResult` (a public method of the class): Nest collapses an Observable result to
 *   its last value, made for HTTP-like callers; RPC handlers stream, so results pass through and
 *   the transport sends each value;
 * - its private `filtersContextCreator` (see quietDomainErrors): a handler's RpcException is its
 *   answer, not an error to log;
 * - `create()` itself (see directHandlers): a handler no guard, interceptor or pipe applies to
 *   calls the method directly instead of through Nest's seven async steps. It relies on the
 *   pass-through `transformToResult` above.
 *
 * Why not Nest's own RpcContextCreator: it lives under an internal path of
 * @nestjs/microservices that Nest 12's `exports` map hides. `nest-internals.spec.ts` fails, with
 * the member named, when a Nest release changes any of these.
 */
export function rpcContextCreator(base: ExternalContextCreator, options: { direct?: boolean } = {}): ExternalContextCreator {
  const creator = Object.create(base) as ExternalContextCreator;
  creator.transformToResult = async (result: unknown) => result;
  quietDomainErrors(creator);
  // `direct: false` keeps Nest's pipeline for every handler: the reference the specs and bench/tools/handler-cost.ts compare with.
  if (options.direct !== false) directHandlers(creator);
  return creator;
}

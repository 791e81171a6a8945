import { ExternalContextCreator } from '@nestjs/core';

type Fn = (...args: unknown[]) => unknown;

/** One resolved parameter as Nest's create() builds it (`mergeParamsMetatypes` output). */
interface NestParam {
  index: number;
  extractValue: Fn;
  pipes?: readonly unknown[];
}

/** What Nest's create() assembled for one handler, seen through the members it calls on `this`. */
interface Assembly {
  argsLength?: number;
  guards?: readonly unknown[];
  interceptors?: readonly unknown[];
  pipes?: readonly unknown[];
  params?: readonly NestParam[];
  exceptions?: unknown;
}

interface ErrorProxy {
  createProxy(target: Fn, exceptionsHandler: unknown, type: string): Fn;
}

/**
 * The members of ExternalContextCreator that create() calls on `this` (same in Nest 11 and 12).
 * `nest-internals.spec.ts` fails, naming the member, when a release stops calling one; until then
 * a handler missing any of them simply keeps Nest's pipeline (see directHandlers).
 */
interface CreatorInternals {
  create: Fn;
  getMetadata(...args: unknown[]): { argsLength: number };
  createGuardsFn(guards: readonly unknown[], ...rest: unknown[]): unknown;
  createPipesFn(pipes: readonly unknown[], params: readonly NestParam[]): unknown;
  interceptorsContextCreator: { create(...args: unknown[]): readonly unknown[] };
  externalErrorProxy: ErrorProxy;
}

/** Handlers that call the method directly (for tests and the bench to tell which path a handler took). */
const direct = new WeakSet<Fn>();

/** True when the handler skips Nest's pipeline because nothing in it applies to the method. */
export function isDirectHandler(handler: unknown): boolean {
  return typeof handler === 'function' && direct.has(handler as Fn);
}

/**
 * Makes `creator.create()` return a direct handler when Nest's pipeline would do nothing but
 * call the method: no guard, interceptor or pipe at any level (global, module-provided, class,
 * method or parameter). Nest's pipeline costs seven async functions and a `Promise.all` per
 * call even then. The decision uses what Nest itself assembled for the handler, observed while
 * its own create() runs, so it cannot drift from Nest's view of which enhancers apply:
 *
 * - parameters are Nest's own extractors (`@Payload`, `@Ctx`, `@Arg`, custom decorators), in
 *   Nest's order; a value that is a promise is awaited first, as Nest does;
 * - a thrown or rejected error goes through the same exception handler (the app's filters,
 *   then the default), with the same arguments host;
 * - the result is what the method returned, resolved once (results pass through, as in
 *   rpcContextCreator).
 *
 * What differs is timing only: the method runs when the handler is called, not a few
 * microtasks later. Anything not observed as expected (a request-scoped context, guards or
 * filters switched off, a Nest release that assembles differently) keeps Nest's handler.
 */
export function directHandlers(creator: ExternalContextCreator): void {
  const own = creator as unknown as CreatorInternals;
  const { create, getMetadata, createGuardsFn, createPipesFn } = own;
  const interceptors = own.interceptorsContextCreator;
  const errorProxy = own.externalErrorProxy;
  let seen: Assembly | undefined;

  own.getMetadata = function (this: unknown, ...args: unknown[]) {
    const metadata = getMetadata.apply(this, args);
    if (seen !== undefined) seen.argsLength = metadata.argsLength;
    return metadata;
  };
  own.createGuardsFn = function (this: unknown, guards: readonly unknown[], ...rest: unknown[]) {
    if (seen !== undefined) seen.guards = guards;
    return createGuardsFn.call(this, guards, ...rest);
  };
  own.createPipesFn = function (this: unknown, pipes: readonly unknown[], params: readonly NestParam[]) {
    if (seen !== undefined) Object.assign(seen, { pipes, params });
    return createPipesFn.call(this, pipes, params);
  };
  own.interceptorsContextCreator = Object.assign(Object.create(interceptors) as object, {
    create: (...args: unknown[]) => {
      const list = interceptors.create(...args);
      if (seen !== undefined) seen.interceptors = list;
      return list;
    },
  }) as CreatorInternals['interceptorsContextCreator'];
  own.externalErrorProxy = {
    createProxy: (target, exceptionsHandler, type) => {
      if (seen !== undefined) seen.exceptions = exceptionsHandler;
      return errorProxy.createProxy(target, exceptionsHandler, type);
    },
  };
  own.create = function (this: unknown, ...args: unknown[]) {
    const [instance, callback, , , , contextId, inquirerId, , contextType] = args as [object, Fn, ...unknown[]];
    const assembly: Assembly = {};
    seen = assembly;
    let nest: unknown;
    try {
      nest = create.apply(this, args);
    } finally {
      seen = undefined;
    }
    // Only the static context (the one the explorer builds) is known to match Nest's choices.
    if (contextId !== undefined || inquirerId !== undefined) return nest;
    return directHandler(assembly, instance, callback, typeof contextType === 'string' ? contextType : 'http', errorProxy) ?? nest;
  };
}

function directHandler(seen: Assembly, instance: object, callback: Fn, type: string, errorProxy: ErrorProxy): Fn | undefined {
  const { argsLength, guards, interceptors, pipes, params, exceptions } = seen;
  if (argsLength === undefined || params === undefined || exceptions === undefined) return undefined;
  if (guards?.length !== 0 || interceptors?.length !== 0 || pipes?.length !== 0) return undefined;
  if (params.some((param) => param.pipes === undefined || param.pipes.length !== 0)) return undefined;

  // Nest's own error path, entered with the error already thrown: same filters, same host.
  const fail = (error: unknown, args: unknown[]): Promise<unknown> => errorProxy.createProxy(() => Promise.reject(error), exceptions, type)(...args) as Promise<unknown>;
  const settle = (result: unknown, args: unknown[]): Promise<unknown> =>
    isThenable(result) ? Promise.resolve(result).then(undefined, (error: unknown) => fail(error, args)) : Promise.resolve(result);
  const invoke = (values: unknown[], args: unknown[]): Promise<unknown> => {
    try {
      return settle(callback.apply(instance, values), args);
    } catch (error) {
      return fail(error, args);
    }
  };

  const handler: Fn = (...args: unknown[]) => {
    // Without parameter metadata Nest passes the handler's arguments through unchanged.
    if (params.length === 0) return invoke(args, args);
    const values = new Array<unknown>(argsLength).fill(undefined);
    let pending = false;
    try {
      for (const param of params) {
        const value = param.extractValue(...args);
        values[param.index] = value;
        pending ||= isThenable(value);
      }
    } catch (error) {
      return fail(error, args);
    }
    if (!pending) return invoke(values, args);
    return Promise.all(values).then(
      (resolved) => invoke(resolved, args),
      (error: unknown) => fail(error, args),
    );
  };
  direct.add(handler);
  return handler;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

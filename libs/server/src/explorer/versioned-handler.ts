import { RpcException } from '@nestjs/microservices';
import { RpcContext } from '@nestrpc/transport';
import { rcompare } from 'semver';

export type ContextualHandler = (payload: unknown, context: RpcContext) => Promise<unknown>;

/**
 * One wire pattern (`HelloService.sayHello`) served by several versions of a service in the
 * same app. The version the caller addressed travels in the frame; without one, the newest wins.
 */
export class VersionedHandler {
  private readonly byVersion = new Map<string, ContextualHandler>();
  private newest: ContextualHandler | undefined;

  constructor(readonly pattern: string) {}

  get versions(): string[] {
    return [...this.byVersion.keys()].sort(rcompare);
  }

  add(version: string, handler: ContextualHandler): void {
    if (this.byVersion.has(version)) {
      throw new Error(`Two @RpcService providers serve ${this.pattern} version ${version}`);
    }
    this.byVersion.set(version, handler);
    this.newest = this.byVersion.get(this.versions[0]);
  }

  /** Nest MessageHandler signature: `(data, ctx)`; `data` is the argument list. */
  readonly handle = (payload: unknown, context: RpcContext): Promise<unknown> => {
    const version = context.getVersion();
    const handler = version === undefined ? this.newest : this.byVersion.get(version);
    if (handler === undefined) {
      return Promise.reject(
        new RpcException({
          status: 'error',
          code: 'VERSION_NOT_FOUND',
          message: `${this.pattern} has no version ${version} here (serving ${this.versions.join(', ')})`,
        }),
      );
    }
    return handler(Array.isArray(payload) ? payload : payload === undefined ? [] : [payload], context);
  };
}

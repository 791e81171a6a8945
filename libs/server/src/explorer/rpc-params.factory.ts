import { CONTEXT_PARAM_TYPE, PAYLOAD_PARAM_TYPE } from './nest-metadata';

/** Resolves Nest's `@Payload(key?)` and `@Ctx()` from the handler arguments `[payload, context]`. */
export class RpcParamsFactory {
  exchangeKeyForValue(type: number, data: string | number | object | undefined, args: unknown[]): unknown {
    if (type === PAYLOAD_PARAM_TYPE) {
      const payload = args[0];
      return typeof data === 'string' && payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>)[data] : payload;
    }
    if (type === CONTEXT_PARAM_TYPE) return args[1];
    return null;
  }
}

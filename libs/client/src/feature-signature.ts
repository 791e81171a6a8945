import { RpcFeature } from './interfaces/rpc-client-module.options';

/** A stable description of a feature's options, to tell a repeated declaration from a conflicting one. */
export function featureSignature(feature: RpcFeature): string {
  const { contract: _contract, version: _version, ...options } = feature;
  return JSON.stringify(options, (_key, value: unknown) => {
    if (typeof value === 'function') return `[${(value as { name?: string }).name ?? 'function'}]`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      if (entries.length === 0 && value.constructor !== Object) return `[${value.constructor.name}]`;
      return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
}

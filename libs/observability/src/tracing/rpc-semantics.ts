/** `rpc.system` for nestrpc spans (OpenTelemetry RPC semantic conventions). */
export const RPC_SYSTEM = 'nestrpc';

/** `Service.method` → service and method; a pattern without a dot is all method. */
export function splitPattern(pattern: string): { service: string; method: string } {
  const dot = pattern.lastIndexOf('.');
  return dot < 0 ? { service: '', method: pattern } : { service: pattern.slice(0, dot), method: pattern.slice(dot + 1) };
}

/** `host:port` (IPv6 in brackets or not) → address and numeric port. */
export function splitAddress(address: string): { host: string; port: number | undefined } {
  const colon = address.lastIndexOf(':');
  if (colon < 0) return { host: address, port: undefined };
  const port = Number(address.slice(colon + 1));
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number.isInteger(port) ? port : undefined };
}

/** `error.type`: the error's stable code when it has one (RpcError), else its class name. */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length > 0) return name;
  }
  return '_OTHER';
}

import { networkInterfaces } from 'os';

const ANY_HOST = new Set(['0.0.0.0', '::', '']);

/** The host consumers should dial: explicit, else the bound host, else the first external IPv4. */
export function advertisedHost(explicit: string | undefined, bound: string): string {
  if (explicit) return explicit;
  if (!ANY_HOST.has(bound)) return bound;
  for (const addresses of Object.values(networkInterfaces())) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}

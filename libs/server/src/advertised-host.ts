import { networkInterfaces } from 'os';

const ANY_HOST = new Set(['0.0.0.0', '::', '']);

/** Where the advertised host came from, so the server can say it in its log. */
export type AdvertisedHostSource = 'configured' | 'bound' | 'interface' | 'loopback';

export interface AdvertisedHost {
  host: string;
  source: AdvertisedHostSource;
  /** The network interface the host was taken from (source `interface`). */
  interfaceName?: string;
}

/**
 * The host consumers should dial: `advertise.host`, else the bound host, else (bound to all
 * interfaces) the first external IPv4, else loopback. The last two are guesses: the server
 * logs them as such, pointing at `advertise.host`.
 */
export function resolveAdvertisedHost(explicit: string | undefined, bound: string): AdvertisedHost {
  if (explicit) return { host: explicit, source: 'configured' };
  if (!ANY_HOST.has(bound)) return { host: bound, source: 'bound' };
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return { host: external.address, source: 'interface', interfaceName: name };
  }
  return { host: '127.0.0.1', source: 'loopback' };
}

/** The host consumers should dial (see `resolveAdvertisedHost`). */
export function advertisedHost(explicit: string | undefined, bound: string): string {
  return resolveAdvertisedHost(explicit, bound).host;
}

/** One log line saying what is advertised and why, so a surprising address is never silent. */
export function describeAdvertisedHost(advertised: AdvertisedHost, bound: { host: string; port: number }, port: number): string {
  const listening = `RPC server listening on ${bound.host}:${bound.port}, advertised to consumers as ${advertised.host}:${port}`;
  switch (advertised.source) {
    case 'configured':
      return `${listening} (advertise.host)`;
    case 'bound':
      return `${listening} (the bound host; set listen.host and advertise.host for consumers on other machines)`;
    case 'interface':
      return `${listening} (first external IPv4, of ${advertised.interfaceName}, since it listens on all interfaces; set advertise.host to choose)`;
    case 'loopback':
      return `${listening} (no external IPv4 found; set advertise.host for consumers on other machines)`;
  }
}

import type { EtcdConnectionOptions } from '@nestrpc/discovery';

/** How often call counts are sampled to compute call rates, ms. */
export const DEFAULT_DASHBOARD_SAMPLE_INTERVAL_MS = 1_000;
/** How often the page asks for a fresh state, ms. */
export const DEFAULT_DASHBOARD_REFRESH_MS = 1_000;
/** Route prefix of the page and its JSON. */
export const DASHBOARD_PATH = 'dashboard';

export interface DashboardModuleOptions {
  /** The etcd the fleet registers in (same options as the registry: hosts, namespace, auth, TLS). */
  etcd: EtcdConnectionOptions;
  /** Default {@link DEFAULT_DASHBOARD_SAMPLE_INTERVAL_MS}. */
  sampleIntervalMs?: number;
  /** Default {@link DEFAULT_DASHBOARD_REFRESH_MS}. */
  refreshMs?: number;
}

export const DASHBOARD_OPTIONS = Symbol('DASHBOARD_OPTIONS');

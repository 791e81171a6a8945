import { FEATURE_COST_CELL, PINNED_CELL } from '../lib/cells';
import { BenchSystem } from './types';

export type SystemFamily = 'ours' | 'nest' | 'ceiling';

export interface SystemEntry {
  name: string;
  label: string;
  family: SystemFamily;
  /** Server processes to start, each running `startServer` (default 1); a cluster system asks for more. */
  servers?: number;
  /**
   * The cells this system is measured in (default: every cell). A feature-cost variant exists
   * only to be compared with its plain path, so it runs where that ratio is read.
   */
  cells?: readonly string[];
  /** The system a feature-cost variant is compared with (its req/s ÷ this one's, same cell, same run). */
  comparedWith?: string;
  /** Loaded lazily, only inside the child processes of that system. */
  load(): Promise<BenchSystem>;
}

/** Where the feature-cost variants run: the cells the feature-cost ratios are read in. */
export const FEATURE_COST_CELLS: readonly string[] = ['small@64', 'small@512'];
const FEATURE = { cells: FEATURE_COST_CELLS, comparedWith: 'nestrpc-json' } as const;

/** Every system, in run order. Adding one: write `bench/systems/<name>.ts`, add a line here. */
export const SYSTEMS: readonly SystemEntry[] = [
  { name: 'nestrpc-json', label: 'nestrpc JSON', family: 'ours', load: async () => (await import('./nestrpc')).nestrpcSystem('json') },
  { name: 'nestrpc-json-nohb', label: 'nestrpc JSON, heartbeats off', family: 'ours', ...FEATURE, load: async () => (await import('./nestrpc')).nestrpcSystem('json', { heartbeats: false }) },
  { name: 'nestrpc-json-trace', label: 'nestrpc JSON, tracing (no SDK)', family: 'ours', ...FEATURE, load: async () => (await import('./nestrpc')).nestrpcSystem('json', { instrumented: 'tracing' }) },
  { name: 'nestrpc-json-metrics', label: 'nestrpc JSON, metrics', family: 'ours', ...FEATURE, load: async () => (await import('./nestrpc')).nestrpcSystem('json', { instrumented: 'metrics' }) },
  { name: 'nestrpc-json-otel', label: 'nestrpc JSON, tracing (no SDK) + metrics', family: 'ours', ...FEATURE, load: async () => (await import('./nestrpc')).nestrpcSystem('json', { instrumented: true }) },
  // Not a feature: the same system as nestrpc-json under another name, in processes of its own.
  // What it reads against nestrpc-json is the band within which the run cannot tell two pairs of
  // processes apart (bench/lib/targets.ts judges the feature costs against it, and reports it in
  // the pinned cell beside the in-flight-1 target).
  { name: 'nestrpc-json-aa', label: 'nestrpc JSON, A/A copy (identical: the run\'s pair-to-pair noise)', family: 'ours', cells: [PINNED_CELL.id, FEATURE_COST_CELL], comparedWith: 'nestrpc-json', load: async () => (await import('./nestrpc')).nestrpcSystem('json') },
  { name: 'nestrpc-json-limits', label: 'nestrpc JSON, overload limits on (not reached)', family: 'ours', ...FEATURE, load: async () => (await import('./nestrpc')).nestrpcSystem('json', { limits: true }) },
  { name: 'nestrpc-json-auth', label: 'nestrpc JSON, token authentication', family: 'ours', ...FEATURE, load: async () => (await import('./nestrpc')).nestrpcSystem('json', { authenticated: true }) },
  { name: 'nestrpc-json-turnflush', label: 'nestrpc JSON, 0.1 flush policy (whole turn at its end)', family: 'ours', cells: ['small@1-pinned', 'small@64'], comparedWith: 'nestrpc-json', load: async () => (await import('./nestrpc')).nestrpcSystem('json', { before: 'turn-end-flush' }) },
  { name: 'nestrpc-json-microservice', label: "nestrpc JSON, RpcServer as a Nest microservice (Nest's handler pipeline)", family: 'ours', cells: ['small@1-pinned', 'small@64', 'small@512'], comparedWith: 'nestrpc-json', load: async () => (await import('./nestrpc')).nestrpcSystem('json', { microservice: true }) },
  { name: 'nestrpc-json-bare-client', label: 'nestrpc JSON, transport alone: echo a bare function on the RpcServer, calls through publish() with no Observable', family: 'ours', cells: ['small@1-pinned', 'small@64'], comparedWith: 'nestrpc-json', load: async () => (await import('./nestrpc')).nestrpcSystem('json', { bareHandler: true, bareClient: true }) },
  { name: 'nestrpc-msgpack', label: 'nestrpc msgpack', family: 'ours', load: async () => (await import('./nestrpc')).nestrpcSystem('msgpack') },
  { name: 'nestrpc-msgpack-copy', label: 'nestrpc msgpack, 0.1 framing (body copied into the frame)', family: 'ours', cells: ['large@64'], comparedWith: 'nestrpc-msgpack', load: async () => (await import('./nestrpc')).nestrpcSystem('msgpack', { before: 'copied-body' }) },
  { name: 'nestrpc-msgpack-noarena', label: 'nestrpc msgpack, without the frame arena (frames in fresh memory)', family: 'ours', cells: ['large@64'], comparedWith: 'nestrpc-msgpack', load: async () => (await import('./nestrpc')).nestrpcSystem('msgpack', { before: 'no-arena' }) },
  { name: 'nestrpc-protobuf', label: 'nestrpc protobuf', family: 'ours', load: async () => (await import('./nestrpc')).nestrpcSystem('protobuf') },
  { name: 'nestrpc-cluster', label: 'nestrpc JSON, 2 providers (discovery + load-aware balancer)', family: 'ours', servers: 2, load: async () => (await import('./nestrpc-cluster')).nestrpcClusterSystem },
  { name: 'nestrpc-cluster-wrr', label: 'nestrpc JSON, 2 providers (discovery + weighted round robin)', family: 'ours', servers: 2, cells: FEATURE_COST_CELLS, comparedWith: 'nestrpc-cluster', load: async () => (await import('./nestrpc-cluster')).nestrpcClusterWrrSystem },
  { name: 'nest-tcp', label: 'Nest TCP', family: 'nest', load: async () => (await import('./nest-tcp')).nestTcpSystem },
  { name: 'nest-grpc', label: 'Nest gRPC', family: 'nest', load: async () => (await import('./nest-grpc')).nestGrpcSystem },
  { name: 'raw-json', label: 'raw net JSON', family: 'ceiling', load: async () => (await import('./raw-json')).rawJsonSystem },
  { name: 'raw-echo', label: 'raw net echo', family: 'ceiling', load: async () => (await import('./raw-echo')).rawEchoSystem },
];

/**
 * The order systems are measured in within each cell of a round. Every ratio the report judges
 * is between systems measured next to each other, seconds apart: this machine's speed drifts by
 * tens of percent over minutes, and a pair measured far apart in a round carries that drift into
 * its ratio. So each feature-cost variant comes just before the plain path it is compared with,
 * and the issue's target pairs follow in a chain (nestrpc JSON ↔ raw JSON ↔ nestrpc msgpack ↔ Nest TCP).
 * The tables keep SYSTEMS' order.
 */
export const MEASURE_ORDER: readonly string[] = [
  'nestrpc-json-nohb',
  'nestrpc-json-trace',
  'nestrpc-json-metrics',
  'nestrpc-json-otel',
  'nestrpc-json-aa',
  'nestrpc-json-limits',
  'nestrpc-json-auth',
  'nestrpc-json-turnflush',
  'nestrpc-json-bare-client',
  'nestrpc-json-microservice',
  'nestrpc-json',
  'raw-json',
  'nestrpc-msgpack',
  'nest-tcp',
  'nestrpc-msgpack-copy',
  'nestrpc-msgpack-noarena',
  'raw-echo',
  'nestrpc-protobuf',
  'nestrpc-cluster-wrr',
  'nestrpc-cluster',
  'nest-grpc',
];

export function findSystem(name: string): SystemEntry {
  const entry = SYSTEMS.find((s) => s.name === name);
  if (entry === undefined) throw new Error(`Unknown system "${name}"; known: ${SYSTEMS.map((s) => s.name).join(', ')}`);
  return entry;
}

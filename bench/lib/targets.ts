import { CellResult } from './cells';

export interface TargetCheck {
  target: string;
  /** What was compared, with the raw numbers. */
  measured: string;
  required: string;
  ratio: number | undefined;
  /** undefined when a side of the comparison was not measured (system n/a or not run). */
  met: boolean | undefined;
}

const OURS = 'nestrpc-json';
const CLIENT_RSS_LIMIT_MIB = 80;

type Lookup = (system: string, cell: string) => CellResult | undefined;

/** The targets, each a ratio between systems measured in the same run. */
export function evaluateTargets(results: CellResult[]): TargetCheck[] {
  const find: Lookup = (system, cell) => results.find((r) => r.system === system && r.cell === cell);
  const checks: TargetCheck[] = [];
  for (const concurrency of [64, 512]) {
    const cell = `small@${concurrency}`;
    checks.push(throughput(find, cell, OURS, 'nest-tcp', 3));
    checks.push(throughput(find, cell, OURS, 'raw-json', 0.8));
    checks.push(latency(find, cell, OURS, 'nest-tcp', 0.5));
  }
  checks.push(throughput(find, 'small@1', OURS, 'raw-json', 0.9));
  checks.push(throughput(find, 'large@1', OURS, 'raw-json', 0.9));
  for (const cell of ['small@64', 'small@512']) checks.push(throughput(find, cell, 'nestrpc-msgpack', 'raw-json', 1));
  checks.push(completes(find, 'large@512', OURS));
  const nestLargest = ['large@512', 'large@64', 'large@1'].find((cell) => find('nest-tcp', cell)?.status === 'ok');
  for (const system of ['nestrpc-msgpack', 'nestrpc-protobuf']) {
    checks.push(nestLargest ? throughput(find, nestLargest, system, 'nest-tcp', 5, ' (largest cell Nest TCP completes)') : missing(`${system} vs Nest TCP, large payload`, '≥ 5×', 'Nest TCP completed no large cell'));
  }
  checks.push(clientRss(results));
  return checks;
}

function throughput(find: Lookup, cell: string, system: string, baseline: string, min: number, note = ''): TargetCheck {
  const target = `${cell}${note}: ${system} req/s ÷ ${baseline}`;
  const ours = ok(find(system, cell));
  const base = ok(find(baseline, cell));
  if (ours === undefined || base === undefined) return missing(target, `≥ ${min}×`, unmeasured(find, cell, system, baseline));
  const ratio = ours.reqPerSec! / base.reqPerSec!;
  return { target, measured: `${ours.reqPerSec} vs ${base.reqPerSec}`, required: `≥ ${min}×`, ratio: round(ratio), met: ratio >= min };
}

function latency(find: Lookup, cell: string, system: string, baseline: string, max: number): TargetCheck {
  const target = `${cell}: ${system} p99 ÷ ${baseline} p99`;
  const ours = ok(find(system, cell));
  const base = ok(find(baseline, cell));
  if (ours === undefined || base === undefined) return missing(target, `≤ ${max}×`, unmeasured(find, cell, system, baseline));
  const ratio = ours.p99Ms! / base.p99Ms!;
  return { target, measured: `${ours.p99Ms} ms vs ${base.p99Ms} ms`, required: `≤ ${max}×`, ratio: round(ratio), met: ratio <= max };
}

function completes(find: Lookup, cell: string, system: string): TargetCheck {
  const result = find(system, cell);
  const target = `${cell}: ${system} completes`;
  if (result === undefined) return missing(target, 'ok', 'not run');
  const met = result.status === 'ok' && result.errors === 0;
  return { target, measured: result.status === 'ok' ? `${result.reqPerSec} req/s, ${result.errors} errors` : `${result.status}: ${result.reason ?? ''}`, required: 'ok, 0 errors', ratio: undefined, met };
}

function clientRss(results: CellResult[]): TargetCheck {
  const ours = results.filter((r) => r.system.startsWith('nestrpc-') && r.status === 'ok' && r.client !== undefined);
  const target = 'nestrpc client peak RSS under load (all serializers, all cells)';
  if (ours.length === 0) return missing(target, `< ${CLIENT_RSS_LIMIT_MIB} MiB`, 'not measured');
  const worst = ours.reduce((a, b) => (b.client!.rssMiB > a.client!.rssMiB ? b : a));
  const rss = worst.client!.rssMiB;
  return { target, measured: `${rss} MiB (${worst.system} ${worst.cell}; ${worst.clientIdleRssMiB ?? '?'} MiB idle)`, required: `< ${CLIENT_RSS_LIMIT_MIB} MiB`, ratio: round(rss / CLIENT_RSS_LIMIT_MIB), met: rss < CLIENT_RSS_LIMIT_MIB };
}

function ok(result: CellResult | undefined): CellResult | undefined {
  return result?.status === 'ok' && (result.reqPerSec ?? 0) > 0 ? result : undefined;
}

function unmeasured(find: Lookup, cell: string, ...systems: string[]): string {
  return systems.map((s) => `${s}: ${find(s, cell)?.status ?? 'not run'}`).join(', ');
}

function missing(target: string, required: string, measured: string): TargetCheck {
  return { target, measured, required, ratio: undefined, met: undefined };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

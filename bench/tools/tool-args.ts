import { median } from '../lib/aggregate';

/** `--name=value` from the command line of a bench tool. */
export function toolArg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** What a numeric option accepts: a whole number, and/or more than 0 (otherwise ≥ 0). */
export interface NumberRule {
  integer?: boolean;
  positive?: boolean;
}

/** Counts (calls, rounds, callers in flight). */
export const COUNT: NumberRule = { integer: true, positive: true };

/** Why `value` breaks `rule` ("a whole number ≥ 1"), or undefined when it keeps it. */
export function numberProblem(value: number, { integer = false, positive = false }: NumberRule = {}): string | undefined {
  const ok = Number.isFinite(value) && (integer ? Number.isInteger(value) : true) && (positive ? value > 0 : value >= 0);
  if (ok) return undefined;
  return integer ? `a whole number ≥ ${positive ? 1 : 0}` : `a number ${positive ? '> 0' : '≥ 0'}`;
}

/** A numeric `--name=value`: undefined when absent; one that breaks `rule` ends the tool (exit code 2), as a bench option does. */
export function toolNumber(name: string, rule: NumberRule = {}): number | undefined {
  const value = toolArg(name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const problem = numberProblem(parsed, rule);
  if (problem !== undefined) {
    process.stderr.write(`--${name} takes ${problem}, got "${value}"\n`);
    process.exit(2);
  }
  return parsed;
}

/**
 * The cost tools' measuring loop: every variant once per round, interleaved, so a busy phase of
 * the machine lands on all of them; `rounds` + 1 rounds, the first only warming up. Returns, per
 * variant, the median of each figure `measure` returned.
 */
export function interleavedMedians<V extends string, F extends string>(rounds: number, variants: readonly V[], measure: (variant: V) => Record<F, number>): Map<V, Record<F, number>> {
  const samples = new Samples<V, F>(variants);
  for (let round = 0; round <= rounds; round++) {
    for (const variant of variants) samples.add(round, variant, measure(variant));
  }
  return samples.medians();
}

/** interleavedMedians for a `measure` that is asynchronous (one variant at a time, never overlapping). */
export async function interleavedMediansAsync<V extends string, F extends string>(rounds: number, variants: readonly V[], measure: (variant: V) => Promise<Record<F, number>>): Promise<Map<V, Record<F, number>>> {
  const samples = new Samples<V, F>(variants);
  for (let round = 0; round <= rounds; round++) {
    for (const variant of variants) samples.add(round, variant, await measure(variant));
  }
  return samples.medians();
}

/** Figures per variant over the rounds; round 0 only warms up and is dropped. */
class Samples<V extends string, F extends string> {
  private readonly kept: Map<V, Map<F, number[]>>;

  constructor(private readonly variants: readonly V[]) {
    this.kept = new Map(variants.map((v) => [v, new Map()]));
  }

  add(round: number, variant: V, figures: Record<F, number>): void {
    if (round === 0) return;
    const kept = this.kept.get(variant)!;
    for (const [figure, value] of Object.entries(figures) as [F, number][]) kept.set(figure, [...(kept.get(figure) ?? []), value]);
  }

  medians(): Map<V, Record<F, number>> {
    return new Map(this.variants.map((v) => [v, Object.fromEntries([...this.kept.get(v)!].map(([figure, values]) => [figure, median(values)])) as Record<F, number>]));
  }
}

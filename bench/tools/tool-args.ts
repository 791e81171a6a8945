import { median } from '../lib/aggregate';

/** `--name=value` from the command line of a bench tool. */
export function toolArg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
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

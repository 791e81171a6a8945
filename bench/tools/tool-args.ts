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
  const samples = new Map<V, Map<F, number[]>>(variants.map((v) => [v, new Map()]));
  for (let round = 0; round <= rounds; round++) {
    for (const variant of variants) {
      const figures = measure(variant);
      if (round === 0) continue;
      const kept = samples.get(variant)!;
      for (const [figure, value] of Object.entries(figures) as [F, number][]) kept.set(figure, [...(kept.get(figure) ?? []), value]);
    }
  }
  return new Map(variants.map((v) => [v, Object.fromEntries([...samples.get(v)!].map(([figure, values]) => [figure, median(values)])) as Record<F, number>]));
}

import { mulberry32, Rng } from '@nestrpc/discovery';

export type { Rng };

/** The repo's one seeded PRNG (the balancers' `mulberry32`): same seed, same sequence. */
export function seededRandom(seed: number): Rng {
  return mulberry32(seed);
}

/**
 * The seed of a randomized (fuzz) suite: `FUZZ_SEED` (or the older `NESTRPC_FUZZ_SEED`) when set,
 * else a fresh one. Put it in the suite's name (the reporter prints it with every failure) so
 * a CI failure replays with `FUZZ_SEED=<seed> npx jest <file>`.
 */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED ?? process.env.NESTRPC_FUZZ_SEED;
  if (given === undefined || given === '') return (Date.now() ^ (process.pid << 16)) >>> 0;
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`FUZZ_SEED must be an integer in [0, 2^32), got ${JSON.stringify(given)}`);
  return seed;
}

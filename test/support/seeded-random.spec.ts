import { fuzzSeed, seededRandom } from './seeded-random';

describe('the shared seeded PRNG and fuzz seed', () => {
  const saved = { FUZZ_SEED: process.env.FUZZ_SEED, NESTRPC_FUZZ_SEED: process.env.NESTRPC_FUZZ_SEED };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('replays the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('takes FUZZ_SEED (and the older NESTRPC_FUZZ_SEED) so a failed run replays', () => {
    delete process.env.NESTRPC_FUZZ_SEED;
    process.env.FUZZ_SEED = '3735928559';
    expect(fuzzSeed()).toBe(3735928559);
    delete process.env.FUZZ_SEED;
    process.env.NESTRPC_FUZZ_SEED = '7';
    expect(fuzzSeed()).toBe(7);
  });

  it('draws a fresh 32-bit seed when none is set', () => {
    delete process.env.FUZZ_SEED;
    delete process.env.NESTRPC_FUZZ_SEED;
    const seed = fuzzSeed();
    expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff).toBe(true);
  });

  it.each(['abc', '-1', '1.5', String(2 ** 32)])('rejects FUZZ_SEED=%s instead of fuzzing with a seed nobody can replay', (value) => {
    process.env.FUZZ_SEED = value;
    expect(() => fuzzSeed()).toThrow(RangeError);
  });
});

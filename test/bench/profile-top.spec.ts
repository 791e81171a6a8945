import { busyTimeline, CpuProfile, summarize } from '../../bench/tools/profile-top';

/** One profile: a node per function, sampled every `stepUs`, in the order given. */
function profile(names: string[], stepUs: number): CpuProfile {
  const distinct = [...new Set(names)];
  const nodes = distinct.map((functionName, i) => ({ id: i + 1, callFrame: { functionName, url: functionName.startsWith('(') ? '' : `file:///app/${functionName}.js`, lineNumber: 0 } }));
  return { nodes, samples: names.map((n) => distinct.indexOf(n) + 1), timeDeltas: names.map(() => stepUs) };
}

/** A function's self time, whatever file it is keyed with. */
function selfTime(byFunction: Map<string, number>, name: string): number | undefined {
  return [...byFunction].find(([key]) => key === name || key.startsWith(`${name} `))?.[1];
}

describe('profile-top', () => {
  // 10 samples of 100 ms: start-up (load) for 300 ms, then work and idle alternating, then idle.
  const names = ['load', 'load', 'load', 'work', '(idle)', 'work', '(idle)', 'work', '(idle)', '(idle)'];
  const sampled = profile(names, 100_000);

  it('summarizes the whole profile by default, and says how much of it was busy', () => {
    const summary = summarize([sampled]);
    expect(summary.totalUs).toBe(1_000_000);
    expect(summary.busyUs).toBe(600_000);
    expect(selfTime(summary.byFunction, 'load')).toBe(300_000);
  });

  it('keeps only the samples of a window, so start-up does not count', () => {
    // Sample i is charged at (i + 1) × 100 ms: the window [400, 800) holds samples 3 to 6.
    const summary = summarize([sampled], { fromMs: 400, toMs: 800 });
    expect(summary.totalUs).toBe(400_000);
    expect(summary.busyUs).toBe(200_000);
    expect(selfTime(summary.byFunction, 'load')).toBeUndefined();
    expect(summary.byFunction.get('(idle)')).toBe(200_000);
  });

  it('prints where the busy part lies: busy µs per bucket from the start', () => {
    // Charged at 100 … 400 ms: load × 3 and work; at 600 and 800: work; the last, at 1 000 ms, idle.
    expect(busyTimeline(sampled, 500)).toEqual([400_000, 200_000, 0]);
  });
});

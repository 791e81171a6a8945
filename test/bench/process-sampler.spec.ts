import { runWithGc } from '../support/child-process';
import { existsSync } from 'fs';
import { join, resolve } from 'path';
import { ProcessSampler } from '../../bench/lib/process-sampler';

const ROOT = resolve(__dirname, '../..');
const linux = existsSync('/proc/self/clear_refs');

describe('bench process sampler', () => {
  // In a child with --expose-gc, so the block can be freed for certain.
  (linux ? it : it.skip)('reports the peak RSS of each interval, from the kernel, with no timer, and resets it at every take', () => {
    const script = `
      const { ProcessSampler } = require(${JSON.stringify(join(ROOT, 'bench/lib/process-sampler'))});
      const sampler = new ProcessSampler();
      const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const base = sampler.take();
      let block = Buffer.alloc(96 * 2 ** 20, 1);
      const held = sampler.take();
      block = undefined;
      gc();
      // V8 may unmap the block on a background thread: wait until the RSS shows it gone.
      const until = Date.now() + 5000;
      const wait = () => {
        if (process.memoryUsage.rss() > (held.rssMiB - 60) * 2 ** 20 && Date.now() < until) return setTimeout(wait, 20);
        const freedDuring = sampler.take();
        const afterFree = sampler.take();
        process.stdout.write(JSON.stringify({ base, held, freedDuring, afterFree, timers }));
      };
      wait();`;
    const out = runWithGc(script);
    const { base, held, freedDuring, afterFree, timers } = JSON.parse(out) as Record<string, { rssMiB: number }> & { timers: number };
    expect(held.rssMiB - base.rssMiB).toBeGreaterThanOrEqual(90);
    // The interval in which the block was freed still peaked with it; the next one does not.
    expect(freedDuring.rssMiB).toBeGreaterThanOrEqual(held.rssMiB - 5);
    expect(afterFree.rssMiB).toBeLessThan(held.rssMiB - 60);
    expect(timers).toBe(0);
  }, 30_000);

  it('reports CPU time and share over the interval', () => {
    const sampler = new ProcessSampler();
    sampler.take();
    const until = Date.now() + 100;
    while (Date.now() < until); // ~100 ms of CPU
    const stats = sampler.take();
    expect(stats.cpuMs).toBeGreaterThanOrEqual(80);
    expect(stats.cpuMs).toBeLessThan(400);
    expect(stats.cpuPct).toBeGreaterThanOrEqual(70);
    sampler.stop();
  });
});

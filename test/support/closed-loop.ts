/** One completed call of a closed-loop load. */
export interface Completion {
  at: number;
  who: string;
  latencyMs: number;
}

export interface ClosedLoop {
  readonly completions: Completion[];
  readonly failures: { at: number; error: unknown }[];
  stop(): Promise<void>;
  /** Completions whose end falls in [from, to) (Date.now() clock). */
  between(from: number, to: number): Completion[];
}

/** Keeps `concurrency` calls in flight until stopped; records who served each and when. */
export function closedLoop(call: () => Promise<{ instance: string }>, concurrency = 8): ClosedLoop {
  let running = true;
  const completions: Completion[] = [];
  const failures: { at: number; error: unknown }[] = [];
  const worker = async () => {
    while (running) {
      const started = performance.now();
      try {
        const { instance } = await call();
        completions.push({ at: Date.now(), who: instance, latencyMs: performance.now() - started });
      } catch (error) {
        // Keep the first failures only, and yield: a call failing at once must not starve the event loop.
        if (failures.length < 1_000) failures.push({ at: Date.now(), error });
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    completions,
    failures,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
    between: (from, to) => completions.filter((c) => c.at >= from && c.at < to),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export function shareOf(completions: Completion[], who: string): number {
  return completions.filter((c) => c.who === who).length / Math.max(1, completions.length);
}

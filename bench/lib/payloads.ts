/** The value every system sends: a small object, optionally with a large string field. */
export interface BenchPayload {
  id: number;
  name: string;
  email: string;
  active: boolean;
  tags: string[];
  score: number;
  blob?: string;
}

export type PayloadSize = 'small' | 'large' | 'huge';

/** Serialized size (JSON) the large payload aims for. */
export const LARGE_PAYLOAD_BYTES = 16 * 1024;
/** Serialized size (JSON) of the huge payload: 50 of them in flight put ~10 MiB on one connection. */
export const HUGE_PAYLOAD_BYTES = 200 * 1024;

export const PAYLOAD_SIZES: readonly PayloadSize[] = ['small', 'large', 'huge'];

const SMALL: BenchPayload = { id: 4242, name: 'bench-user', email: 'bench@example.com', active: true, tags: ['a', 'b'], score: 0.75 };

/** ~95 B of JSON for `small`, exactly LARGE_PAYLOAD_BYTES / HUGE_PAYLOAD_BYTES of JSON for `large` / `huge`. */
export function buildPayload(size: PayloadSize): BenchPayload {
  if (size === 'small') return { ...SMALL, tags: [...SMALL.tags] };
  const base = Buffer.byteLength(JSON.stringify({ ...SMALL, blob: '' }));
  const bytes = size === 'large' ? LARGE_PAYLOAD_BYTES : HUGE_PAYLOAD_BYTES;
  return { ...SMALL, tags: [...SMALL.tags], blob: 'x'.repeat(bytes - base) };
}

/** One item of a streamed answer. */
export function streamItem(index: number): BenchPayload {
  return { ...SMALL, id: index, tags: SMALL.tags };
}

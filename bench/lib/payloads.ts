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

export type PayloadSize = 'small' | 'large';

/** Serialized size (JSON) the large payload aims for. */
export const LARGE_PAYLOAD_BYTES = 16 * 1024;

const SMALL: BenchPayload = { id: 4242, name: 'bench-user', email: 'bench@example.com', active: true, tags: ['a', 'b'], score: 0.75 };

/** ~95 B of JSON for `small`, exactly LARGE_PAYLOAD_BYTES of JSON for `large`. */
export function buildPayload(size: PayloadSize): BenchPayload {
  if (size === 'small') return { ...SMALL, tags: [...SMALL.tags] };
  const base = Buffer.byteLength(JSON.stringify({ ...SMALL, blob: '' }));
  return { ...SMALL, tags: [...SMALL.tags], blob: 'x'.repeat(LARGE_PAYLOAD_BYTES - base) };
}

/** One item of a streamed answer. */
export function streamItem(index: number): BenchPayload {
  return { ...SMALL, id: index, tags: SMALL.tags };
}

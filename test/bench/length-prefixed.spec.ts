import { LengthPrefixedReader, withLengthPrefix } from '../../bench/lib/length-prefixed';

function read(chunks: Buffer[]): { bodies: string[]; views: Buffer[] } {
  const bodies: string[] = [];
  const views: Buffer[] = [];
  const reader = new LengthPrefixedReader((body, message) => {
    bodies.push(body.toString());
    views.push(message);
    expect(message.readUInt32BE(0)).toBe(body.length);
  });
  for (const chunk of chunks) reader.feed(chunk);
  return { bodies, views };
}

describe('raw ceilings: length-prefixed reader', () => {
  const messages = ['a', '', 'hello world', 'x'.repeat(5_000), 'tail'];
  const stream = Buffer.concat(messages.map((m) => withLengthPrefix(Buffer.from(m))));

  it('yields every message whatever the chunking (every split point, and byte by byte)', () => {
    for (let cut = 0; cut <= stream.length; cut += 7) {
      expect(read([stream.subarray(0, cut), stream.subarray(cut)]).bodies).toEqual(messages);
    }
    expect(read([...stream].map((byte) => Buffer.from([byte]))).bodies).toEqual(messages);
  });

  it('hands over a message inside one chunk as a view, and copies one that spans chunks into a buffer of its own size', () => {
    const whole = read([stream]);
    expect(whole.views.every((v) => v.buffer === stream.buffer)).toBe(true);
    const big = withLengthPrefix(Buffer.from('y'.repeat(64 * 1024)));
    const next = withLengthPrefix(Buffer.from('z'.repeat(32 * 1024)));
    const split = read([Buffer.concat([withLengthPrefix(Buffer.from('first')), big.subarray(0, 100)]), Buffer.concat([big.subarray(100), next])]);
    expect(split.bodies.map((b) => b.length)).toEqual([5, 64 * 1024, 32 * 1024]);
    // The spanning message owns exactly its bytes: concatenating the leftover with the whole chunk
    // it ended in would also copy the 32 KiB message after it.
    expect(split.views[1].buffer.byteLength).toBe(big.length);
  });
});

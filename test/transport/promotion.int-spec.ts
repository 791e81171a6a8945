import { spawnNode } from '../support/child-process';
import { resolve } from 'path';

const ROOT = resolve(__dirname, '../..');

/**
 * What a settled call leaves for the old generation, both ends in one process (real sockets):
 * nothing of a call may stay reachable once it settled, or young-generation collections promote
 * it and old space (and peak RSS) grows with the calls made until a full collection. The server's
 * and client's call tables were Maps, whose stale tables kept every settled call reachable:
 * this test measured 488 bytes promoted per call before they became SeqMaps, ~8 after.
 */
describe('a settled call leaves nothing to promote', () => {
  it('promotes under 40 bytes per call at 64 in flight, with no full collection', async () => {
    const child = spawnNode(['--expose-gc', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', resolve(ROOT, 'test/transport/fixtures/promotion.main.ts')], {
      cwd: ROOT,
      env: { TS_NODE_PROJECT: resolve(ROOT, process.env.NESTRPC_TSCONFIG ?? 'tsconfig.json') },
    });
    const result = await child.waitForStdoutLine((line) => (line.startsWith('{') ? (JSON.parse(line) as { promotedBytesPerCall: number; fullCollections: number }) : undefined), 'the promotion figures', 60_000);
    await child.stop('SIGTERM', 5_000);
    expect(result.fullCollections).toBe(0); // else old space shrank meanwhile and the figure says nothing
    expect(result.promotedBytesPerCall).toBeLessThan(40);
  }, 90_000);
});

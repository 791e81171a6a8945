import { mkdtemp, readdir, readFile, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { normalizeInstance } from '../../instance/normalize-instance';
import { SnapshotStore } from './snapshot-store';

const quiet = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
const inst = (id: string) => normalizeInstance({ id, service: 'Hello', version: '1.0.0', host: 'h', port: 1, startedAt: 5 });

describe('SnapshotStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snapshot-store-'));
    quiet.warn.mockClear();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips lists through the file, keeping services it was not told about', async () => {
    const file = join(dir, 'nested', 'snap.json');
    const first = new SnapshotStore(file, 'ns', quiet);
    first.set('Hello', [inst('a'), inst('b')]);
    first.set('Other', []);
    await first.flush();
    const second = new SnapshotStore(file, 'ns', quiet);
    expect(second.get('Hello')!.instances.map((i) => i.id)).toEqual(['a', 'b']);
    second.set('Hello', [inst('c')]);
    await second.flush();
    const third = new SnapshotStore(file, 'ns', quiet);
    expect(third.get('Hello')!.instances.map((i) => i.id)).toEqual(['c']);
    expect(third.get('Other')!.instances).toEqual([]);
    expect(third.get('Missing')).toBeUndefined();
    expect(third.get('Hello')!.savedAt).toBeGreaterThan(0);
  });

  it('batches writes and leaves no temporary files behind', async () => {
    const file = join(dir, 'snap.json');
    const store = new SnapshotStore(file, 'ns', quiet, 20);
    for (let i = 0; i < 10; i++) store.set('Hello', [inst(`i${i}`)]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await store.flush();
    expect(await readdir(dir)).toEqual(['snap.json']);
    expect(JSON.parse(await readFile(file, 'utf8')).services.Hello[0].id).toBe('i9');
  });

  it('ignores corrupt files, other namespaces and invalid instances, with a warning', async () => {
    const file = join(dir, 'snap.json');
    await writeFile(file, '{"format":1,"namespace":"ns","services":{"Hello":[{"id":"ok","service":"Hello","version":"1.0.0","host":"h","port":1},{"id":"bad"}]}}');
    expect(new SnapshotStore(file, 'ns', quiet).get('Hello')!.instances.map((i) => i.id)).toEqual(['ok']);
    expect(new SnapshotStore(file, 'other', quiet).get('Hello')).toBeUndefined();
    await writeFile(file, '{truncated');
    expect(new SnapshotStore(file, 'ns', quiet).get('Hello')).toBeUndefined();
    expect(quiet.warn).toHaveBeenCalledTimes(3);
  });

  it('logs instead of throwing when the file cannot be written', async () => {
    await writeFile(join(dir, 'blocker'), 'x');
    const blocked = new SnapshotStore(join(dir, 'blocker', 'snap.json'), 'ns', quiet);
    blocked.set('Hello', [inst('a')]);
    await expect(blocked.flush()).resolves.toBeUndefined();
    expect(quiet.warn).toHaveBeenCalledWith(expect.stringMatching(/Cannot write registry snapshot/));
  });
});

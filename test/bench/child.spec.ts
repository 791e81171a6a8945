import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BenchChild, CHILD_V8_FLAGS, killAllChildren } from '../../bench/lib/child';

describe('bench child processes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-child-'));
    writeFileSync(join(dir, 'argv.js'), 'process.stdout.write(JSON.stringify(process.execArgv) + "\\n");');
  });
  afterAll(() => {
    killAllChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  // Idle processes of a sliced cell must not collect garbage in the busy system's turn.
  it('runs every child with the memory reducer off', async () => {
    expect(CHILD_V8_FLAGS).toEqual(['--no-memory-reducer']);
    const child = new BenchChild('argv', join(dir, 'argv.js'), [], { baseUrl: dir });
    const event = await child.next(10_000);
    await child.exited;
    expect(event.kind).toBe('line');
    expect(JSON.parse((event as { line: string }).line)).toEqual(expect.arrayContaining(['--no-memory-reducer']));
  });
});

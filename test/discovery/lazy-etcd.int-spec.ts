import { spawnTs } from '../support/child-process';

/** What a process loads, in a fresh Node process (jest's own module registry would hide it). */
async function loadedBy(...modules: string[]): Promise<string[]> {
  const child = spawnTs('test/discovery/fixtures/loaded-packages.ts', {}, modules);
  try {
    const [, json] = await child.waitForLine(/LOADED (.*)\n/, 20_000);
    return JSON.parse(json) as string[];
  } finally {
    await child.stop();
  }
}

describe('etcd3 loads only with an etcd client', () => {
  it('importing the server and client starters and discovery does not load etcd3 or gRPC', async () => {
    await expect(loadedBy('@nestrpc/discovery', '@nestrpc/server', '@nestrpc/client')).resolves.toEqual([]);
  });

  it('creating an etcd registry loads it', async () => {
    // The fixture only requires; constructing a registry needs a module that does it on load.
    await expect(loadedBy('@nestrpc/discovery', require.resolve('./fixtures/new-etcd-registry'))).resolves.toEqual(['etcd3', '@grpc/grpc-js']);
  });
});

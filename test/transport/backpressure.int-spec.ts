import { firstValueFrom } from 'rxjs';
import { RpcClient } from '@nestrpc/transport';
import { MathHarness, startMathServer } from './support';

/**
 * Nest's TCP transport (11.2.5+) deadlocks once ~8 MiB is in flight on one connection:
 * both ends stop reading while their writes wait for 'drain'. These cells must complete.
 */
describe('large volume in flight on one connection', () => {
  let h: MathHarness;
  let client: RpcClient;

  beforeAll(async () => {
    h = await startMathServer({ maxWriteBufferBytes: 4 * 1024 * 1024 });
    client = h.client({ maxWriteBufferBytes: 64 * 1024 * 1024 });
    await client.connect();
  });

  afterAll(() => h.close());

  it.each([
    [512, 16 * 1024],
    [50, 200 * 1024],
  ])('%i calls × %i bytes in flight all complete, each with its own payload', async (count, size) => {
    const payloads = Array.from({ length: count }, (_, i) => String(i % 10).repeat(size));
    const results = await Promise.all(payloads.map((p) => firstValueFrom(client.send<string>('echo', p))));
    expect(results.length).toBe(count);
    results.forEach((r, i) => expect(r === payloads[i]).toBe(true));
  });
});

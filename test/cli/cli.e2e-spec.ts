import { spawnTs, TsChild } from '../support/child-process';
import { etcdctl, LocalEtcd, startEtcd } from '../support/etcd';
import { freePort } from '../support/free-port';
import { compileCli, runCli, spawnCli } from './run-cli';

/** `nestrpc` as operators run it: a child process against a real etcd and a real provider process. */
// Each CLI run is a fresh Node process; on a busy 2-core machine several seconds each, so the
// guards below are generous on purpose; nothing here measures speed.
const CLI_TEST_TIMEOUT_MS = 90_000;

describe('nestrpc CLI against etcd and a provider', () => {
  const ns = 'cli-e2e';
  let etcd: LocalEtcd;
  let provider: TsChild;
  let rpcPort: number;
  let env: Record<string, string>;

  beforeAll(async () => {
    compileCli();
    etcd = await startEtcd();
    env = { ETCD_ENDPOINTS: etcd.endpoints.join(','), NESTRPC_NAMESPACE: ns };
    rpcPort = await freePort();
    provider = spawnTs('apps/provider/src/main.ts', { ...env, INSTANCE_NAME: 'p1', HELLO_VERSIONS: '1', SERVICE_WEIGHT: '3', RPC_PORT: String(rpcPort), DEREGISTER_GRACE_MS: '200' });
    await provider.waitForLine(/READY name=p1/, 30_000);
  }, 60_000);

  afterAll(async () => {
    await provider?.stop('SIGKILL');
    await etcd?.stop();
  }, CLI_TEST_TIMEOUT_MS);

  it('ls lists services, versions and instances as a table and as JSON', async () => {
    const [text, json] = await Promise.all([runCli(['ls'], env), runCli(['ls', 'HelloService', '--json'], env)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^SERVICE\s+VERSION\s+INSTANCE\s+ADDRESS\s+WEIGHT\s+TAGS\s+AGE\s+LEASE/);
    expect(text.stdout).toMatch(new RegExp(`HelloService\\s+1\\.0\\.0\\s+\\S+\\s+127\\.0\\.0\\.1:${rpcPort}\\s+3\\s+-\\s+\\d+s\\s+[0-9a-f]+`));
    expect(text.stdout).toMatch(/InventoryService/);
    const rows = JSON.parse(json.stdout) as { service: string; address: string; weight: number; lease: string; ageMs: number }[];
    expect(rows).toEqual([expect.objectContaining({ service: 'HelloService', version: '1.0.0', address: `127.0.0.1:${rpcPort}`, weight: 3, tags: [] })]);
    expect(rows[0].lease).toMatch(/^[0-9a-f]+$/);
    expect(rows[0].lease).not.toBe('0');
  }, CLI_TEST_TIMEOUT_MS);

  it('call goes through discovery and the cluster client, or straight to --address, and prints typed errors', async () => {
    const [viaCluster, direct, unknown, noVersion] = await Promise.all([
      runCli(['call', 'HelloService.greet', '["ops"]', '--version', '^1', '--timeout', '5000', '--json'], env),
      runCli(['call', 'HelloService.sayHello', '"direct"', '--address', `127.0.0.1:${rpcPort}`, '--serializer', 'msgpack', '--header', 'x-debug=1'], env),
      runCli(['call', 'HelloService.nope', '[]', '--json'], env),
      runCli(['call', 'HelloService.greet', '["x"]', '--version', '^7', '--json'], env),
    ]);
    expect(viaCluster.code).toBe(0);
    expect(JSON.parse(viaCluster.stdout)).toEqual({ result: { message: 'Hello, ops!', version: '1.0.0', instance: 'p1' } });
    expect(direct.code).toBe(0);
    expect(JSON.parse(direct.stdout)).toBe('Hello, direct!');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ name: 'UnknownPatternError', code: 'UNKNOWN_PATTERN', retryable: false });
    expect(noVersion.code).toBe(1);
    expect(JSON.parse(noVersion.stdout).error).toMatchObject({ code: 'NO_PROVIDERS', message: expect.stringContaining('HelloService@^7') });
  }, CLI_TEST_TIMEOUT_MS);

  it('says clearly when etcd is unreachable (exit 3) and refuses bad usage (exit 2)', async () => {
    const deadPort = await freePort();
    const [dead, badArgs] = await Promise.all([
      runCli(['ls', '--json'], { ...env, ETCD_ENDPOINTS: `http://127.0.0.1:${deadPort}`, NESTRPC_ETCD_TIMEOUT_MS: '500' }),
      runCli(['call', 'HelloService.greet', '{not json'], env),
    ]);
    expect(dead.code).toBe(3);
    expect(JSON.parse(dead.stdout).error).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:${deadPort}`) });
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toMatch(/CLI_USAGE: args-json is not JSON/);
  }, CLI_TEST_TIMEOUT_MS);

  it('governance commands validate before writing, and ls shows the overrides', async () => {
    const target = `127.0.0.1:${rpcPort}`;
    const [bad, badRoute] = await Promise.all([
      runCli(['weight', 'HelloService', target, '-5', '--json'], env),
      runCli(['route', 'set', 'HelloService', 'canary', '--tag', 'not a tag'], env),
    ]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'INVALID_GOVERNANCE_RULE' });
    expect(badRoute.code).toBe(2);
    expect(await etcdctl(etcd.endpoints, 'get', '--prefix', '--keys-only', `/${ns}/governance/`)).toBe('');

    const [weight, route] = await Promise.all([
      runCli(['weight', 'HelloService', target, '0'], env),
      runCli(['route', 'set', 'HelloService', 'canary', '--tag', 'canary', '--fallback', 'fail'], env),
    ]);
    expect(weight.stdout).toMatch(/weight 0/);
    expect(route.code).toBe(0);
    const [ls, rules] = await Promise.all([runCli(['ls', 'HelloService'], env), runCli(['route', 'ls', 'HelloService', '--json'], env)]);
    expect(ls.stdout).toMatch(/3→0 \(override\)/);
    expect(JSON.parse(rules.stdout)).toEqual({
      overrides: { [target]: { weight: 0 } },
      routes: { canary: { header: 'x-nestrpc-tag', value: 'canary', tag: 'canary', addresses: [], fallback: 'fail', exclusive: true } },
    });
    const [reset, removed] = await Promise.all([runCli(['weight', 'HelloService', target, '--reset'], env), runCli(['route', 'rm', 'HelloService', 'canary'], env)]);
    expect([reset.code, removed.stdout.trim()]).toEqual([0, 'HelloService route canary: deleted']);
    expect(await etcdctl(etcd.endpoints, 'get', '--prefix', '--keys-only', `/${ns}/governance/`)).toBe('');
  }, CLI_TEST_TIMEOUT_MS);

  it('watch logs registrations, rule changes and deregistrations live; a canary rollout with CLI commands only', async () => {
    const watch = spawnCli(['watch'], env);
    const lsWatch = spawnCli(['ls', 'HelloService', '--watch', '--json'], env);
    const canaryPort = await freePort();
    const canaryAddress = `127.0.0.1:${canaryPort}`;
    try {
      await watch.waitForLine(/watching namespace cli-e2e/);
      // Reserve the canary's address before it starts, so it never takes ordinary traffic.
      expect((await runCli(['route', 'set', 'HelloService', 'canary', '--tag', 'canary', '--addresses', canaryAddress], env)).code).toBe(0);
      await watch.waitForLine(/rule-set\s+HelloService \/cli-e2e\/governance\/HelloService\/routes\/canary \{"header":"x-nestrpc-tag"/);
      await etcdctl(etcd.endpoints, 'put', `/${ns}/governance/HelloService/routes/oops`, '{"tag":""}');
      await watch.waitForLine(/rule-invalid\s+HelloService \S+routes\/oops ignored by consumers: .*tag must match/);
      const canary = spawnTs('apps/provider/src/main.ts', { ...env, INSTANCE_NAME: 'canary', HELLO_VERSIONS: '1', RPC_PORT: String(canaryPort), DEREGISTER_GRACE_MS: '100' });
      try {
        await watch.waitForLine(new RegExp(`registered\\s+HelloService@1\\.0\\.0 \\S+ ${canaryAddress} weight=1`), 30_000);
        await lsWatch.waitForLine(new RegExp(`"address":"${canaryAddress}"`)); // ls --watch redrew with the new instance
        const greet = (...extra: string[]) => runCli(['call', 'HelloService.greet', '["qa"]', '--json', ...extra], env).then((r) => JSON.parse(r.stdout).result?.instance ?? r.stdout);
        const tagged = ['--header', 'x-nestrpc-tag=canary'];
        expect(await Promise.all([greet(...tagged), greet(), greet()])).toEqual(['canary', 'p1', 'p1']);
        // Roll back: disable the canary; tagged calls fall back to the stable instance.
        await runCli(['disable', 'HelloService', canaryAddress], env);
        await watch.waitForLine(/rule-set\s+HelloService \S+instances\/127\.0\.0\.1:\d+ \{"disabled":true\}/);
        expect(await greet(...tagged)).toBe('p1');
      } finally {
        await canary.stop('SIGTERM');
      }
      await watch.waitForLine(new RegExp(`deregistered\\s+HelloService@1\\.0\\.0 \\S+ ${canaryAddress}`));
    } finally {
      await Promise.all([watch.stop(), lsWatch.stop()]);
      await etcdctl(etcd.endpoints, 'del', '--prefix', `/${ns}/governance/`);
    }
  }, CLI_TEST_TIMEOUT_MS);
});

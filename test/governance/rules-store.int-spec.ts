import { EtcdGovernanceStore, GovernanceRules, InvalidGovernanceRuleError, RegistryUnavailableError } from '@nestrpc/discovery';
import { etcdctl, LocalEtcd, startEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';

/** Governance rules in a real etcd: validated writes, live watches, invalid values ignored. */
describe('EtcdGovernanceStore against etcd', () => {
  let etcd: LocalEtcd;
  let store: EtcdGovernanceStore;
  const warnings: string[] = [];
  const logger = { log: () => undefined, error: () => undefined, warn: (m: string) => void warnings.push(m) };

  beforeAll(async () => {
    etcd = await startEtcd();
    store = new EtcdGovernanceStore({ hosts: etcd.endpoints, namespace: 'gov-store', logger });
  });

  afterAll(async () => {
    await store?.close();
    await etcd?.stop();
  });

  it('writes rules beside the registrations and reads them back', async () => {
    await store.setOverride('Hello', '127.0.0.1:4000', { weight: 0 });
    await store.setOverride('Hello', '127.0.0.1:4000', { disabled: true });
    await store.setRoute('Hello', 'canary', { tag: 'canary' });
    expect(await etcdctl(etcd.endpoints, 'get', '--prefix', '--keys-only', '/gov-store/governance/')).toMatch(
      /\/gov-store\/governance\/Hello\/instances\/127\.0\.0\.1:4000[\s\S]*\/gov-store\/governance\/Hello\/routes\/canary/,
    );
    const rules = await store.rules('Hello');
    expect(rules.overrides).toEqual({ '127.0.0.1:4000': { weight: 0, disabled: true } });
    expect(rules.routes.canary).toMatchObject({ tag: 'canary', header: 'x-nestrpc-tag', fallback: 'any' });
    await store.setOverride('Hello', '127.0.0.1:4000', { weight: undefined, disabled: undefined });
    expect((await store.rules('Hello')).overrides).toEqual({});
  });

  it('refuses a bad rule before writing anything', async () => {
    await expect(store.setOverride('Hello', 'i-1', { weight: -5 })).rejects.toThrow(InvalidGovernanceRuleError);
    await expect(store.setRoute('Hello', 'bad', { tag: 'canary', fallback: 'sometimes' as 'any' })).rejects.toMatchObject({ code: 'INVALID_GOVERNANCE_RULE', retryable: false });
    expect(await etcdctl(etcd.endpoints, 'get', '--prefix', '--keys-only', '/gov-store/governance/Hello/')).not.toMatch(/i-1|routes\/bad/);
  });

  it('a watcher that reads an invalid rule keeps the previous rules and logs why', async () => {
    const seen: GovernanceRules[] = [];
    const sub = store.watch('Orders').subscribe((r) => seen.push(r));
    try {
      await waitFor(() => seen.length === 1, 'the initial (empty) rules');
      await store.setOverride('Orders', 'o-1', { weight: 4 });
      await waitFor(() => seen.at(-1)?.overrides['o-1']?.weight === 4, 'the weight override', 5_000);
      const before = seen.length;
      // An operator bypasses the CLI with etcdctl and writes garbage over the valid rule.
      await etcdctl(etcd.endpoints, 'put', '/gov-store/governance/Orders/instances/o-1', '{"weight":"lots"}');
      await waitFor(() => warnings.some((w) => w.includes('/gov-store/governance/Orders/instances/o-1') && w.includes('keeping the previous rule')), 'the warning', 5_000);
      expect(seen.length).toBe(before);
      expect(seen.at(-1)?.overrides['o-1']).toEqual({ weight: 4 });
      await etcdctl(etcd.endpoints, 'put', '/gov-store/governance/Orders/instances/o-1', '{"weight":1}');
      await waitFor(() => seen.at(-1)?.overrides['o-1']?.weight === 1, 'the next valid value', 5_000);
    } finally {
      sub.unsubscribe();
    }
  });

  it('names the endpoints when etcd is unreachable', async () => {
    const dead = new EtcdGovernanceStore({ hosts: 'http://127.0.0.1:1', callTimeoutMs: 500, logger });
    try {
      await expect(dead.rules('Hello')).rejects.toThrow(RegistryUnavailableError);
      await expect(dead.rules('Hello')).rejects.toThrow(/127\.0\.0\.1:1/);
    } finally {
      await dead.close();
    }
  });
});

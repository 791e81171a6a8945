import { DEFAULT_NAMESPACE } from './etcd/constants';
import { createRegistry, etcdOptionsOf } from './registry-config';
import { StaticRegistry } from './static-registry';

describe('registry config', () => {
  const hosts = 'http://127.0.0.1:2379';

  it('resolves the namespace by one rule: etcd.namespace, then the module namespace, then the default', () => {
    expect(etcdOptionsOf({ etcd: { hosts, namespace: 'own' } }, 'module')?.namespace).toBe('own');
    expect(etcdOptionsOf({ etcd: { hosts } }, 'module')?.namespace).toBe('module');
    expect(etcdOptionsOf({ etcd: { hosts } })?.namespace).toBe(DEFAULT_NAMESPACE);
    expect(etcdOptionsOf({ static: {} }, 'module')).toBeUndefined();
  });

  it('builds static registries (owned) and passes `use` through (not owned)', async () => {
    const built = createRegistry({ static: { HelloService: ['127.0.0.1:4000@1.0.0'] } });
    expect(built.owned).toBe(true);
    expect(built.registry).toBeInstanceOf(StaticRegistry);
    await expect(built.registry.instances('HelloService')).resolves.toHaveLength(1);
    const shared = new StaticRegistry();
    expect(createRegistry({ use: shared })).toEqual({ registry: shared, owned: false });
    await Promise.all([built.registry.close(), shared.close()]);
  });
});

import { Observable } from 'rxjs';
import { RegistryClosedError } from '../errors/registry-closed.error';
import { InvalidInstanceError } from '../errors/invalid-instance.error';
import { normalizeInstance } from '../instance/normalize-instance';
import { ServiceInstance, ServiceInstanceInit } from '../instance/service-instance';
import { parseVersionRange, validateServiceName } from '../instance/validation';
import { sameInstances, selectInRange } from './instance-list';
import { ServiceRegistry } from './service-registry';

/**
 * Fixed instance lists: `{ services: [ServiceInstanceInit...] }`, or the shorthand
 * `{ HelloService: ['10.0.0.5:4000', '10.0.0.6:4000@1.2.0'] }`.
 */
export type StaticRegistryOptions = { services: readonly ServiceInstanceInit[] } | { readonly [service: string]: readonly string[] };

/** Metadata flag of shorthand addresses given without `@version`: they match every range. */
export const UNVERSIONED_METADATA_KEY = 'nestrpc.unversioned';

/**
 * A ServiceRegistry without etcd: direct routing, tests, local development. `register`,
 * `update` and `deregister` change the in-memory lists and push to watchers at once.
 */
export class StaticRegistry implements ServiceRegistry {
  private readonly byId = new Map<string, ServiceInstance>();
  private readonly listeners = new Set<() => void>();
  private readonly closers = new Set<() => void>();
  private closed = false;

  constructor(options: StaticRegistryOptions = { services: [] }) {
    for (const init of expand(options)) {
      const instance = normalizeInstance(init);
      if (this.byId.has(instance.id)) throw new InvalidInstanceError(instance.id, 'duplicate id in the static configuration');
      this.byId.set(instance.id, instance);
    }
  }

  async register(init: ServiceInstanceInit): Promise<ServiceInstance> {
    this.assertOpen('register');
    const instance = normalizeInstance(init);
    this.byId.set(instance.id, instance);
    this.notify();
    return instance;
  }

  async update(init: ServiceInstanceInit): Promise<ServiceInstance> {
    this.assertOpen('update');
    if (!this.byId.has(init.id)) throw new InvalidInstanceError(init.id, 'not registered in this registry');
    return this.register(init);
  }

  async deregister(id: string): Promise<void> {
    this.assertOpen('deregister');
    if (this.byId.delete(id)) this.notify();
  }

  watch(service: string, range = '*'): Observable<ServiceInstance[]> {
    const name = validateServiceName(service);
    const wanted = parseVersionRange(range);
    return new Observable<ServiceInstance[]>((subscriber) => {
      let last: ServiceInstance[] | undefined;
      const push = () => {
        const next = this.select(name, wanted);
        if (last !== undefined && sameInstances(last, next)) return;
        last = next;
        subscriber.next(next);
      };
      push();
      if (this.closed) {
        subscriber.complete();
        return undefined;
      }
      this.listeners.add(push);
      const complete = () => subscriber.complete();
      this.closers.add(complete);
      return () => {
        this.listeners.delete(push);
        this.closers.delete(complete);
      };
    });
  }

  async instances(service: string, range = '*'): Promise<ServiceInstance[]> {
    return this.select(validateServiceName(service), parseVersionRange(range));
  }

  /** Completes every watch stream. The lists stay readable through `instances()`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    for (const complete of [...this.closers]) complete();
    this.closers.clear();
  }

  private select(service: string, range: string): ServiceInstance[] {
    const ofService = [...this.byId.values()].filter((i) => i.service === service);
    return selectInRange(ofService, range, (i) => i.metadata[UNVERSIONED_METADATA_KEY] === 'true');
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new RegistryClosedError(operation);
  }
}

function expand(options: StaticRegistryOptions): ServiceInstanceInit[] {
  if (Array.isArray(options.services) && options.services.every((s) => typeof s === 'object' && s !== null)) {
    return [...(options.services as readonly ServiceInstanceInit[])];
  }
  const shorthand = options as { readonly [service: string]: readonly string[] };
  return Object.entries(shorthand).flatMap(([service, addresses]) => {
    validateServiceName(service);
    if (!Array.isArray(addresses)) throw new InvalidInstanceError(undefined, `addresses of ${service} must be an array of "host:port[@version]"`);
    return addresses.map((address) => fromAddress(service, address));
  });
}

/** `host:port`, `[::1]:port`, optionally followed by `@version`. */
function fromAddress(service: string, address: string): ServiceInstanceInit {
  const match = /^(\[[^\]]+\]|[^:@\s]+):(\d{1,5})(?:@(\S+))?$/.exec(address);
  if (match === null) throw new InvalidInstanceError(undefined, `address ${JSON.stringify(address)} of ${service} must be "host:port[@version]"`);
  const host = match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
  const port = Number(match[2]);
  const version = match[3];
  return {
    id: `${service}-${host}-${port}${version === undefined ? '' : `-${version}`}`.replace(/[^A-Za-z0-9_.:-]/g, '_'),
    service,
    version: version ?? '0.0.0',
    host,
    port,
    metadata: version === undefined ? { [UNVERSIONED_METADATA_KEY]: 'true' } : {},
    startedAt: 0,
  };
}

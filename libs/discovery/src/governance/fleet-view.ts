import { Observable } from 'rxjs';
import { namespacePrefix, parseInstanceKey } from '../instance/key-layout';
import { ServiceInstance } from '../instance/service-instance';
import { validateServiceName } from '../instance/validation';
import { readRegistryEntry } from '../registry/etcd/registry-entry';
import { EtcdConnection, EtcdConnectionOptions } from './etcd-connection';
import { parseGovernanceKey } from './governance-keys';
import { parseRuleValue, ValidatedRule } from './rule-validation';
import { EtcdPrefixReader } from './etcd-prefix-reader';
import { PrefixWatch } from './prefix-watch';

/** One registration as operators see it: the instance and the etcd lease that keeps it alive. */
export interface FleetEntry {
  readonly instance: ServiceInstance;
  /** Lease id (hex), as `etcdctl lease timetolive` takes it; '0' when none. */
  readonly lease: string;
}

export type FleetEvent =
  | { readonly type: 'registered' | 'updated' | 'deregistered'; readonly at: number; readonly instance: ServiceInstance }
  | { readonly type: 'rule-set' | 'rule-deleted'; readonly at: number; readonly service: string; readonly key: string; readonly rule?: ValidatedRule }
  | { readonly type: 'rule-invalid'; readonly at: number; readonly service: string; readonly key: string; readonly reason: string };

/**
 * Read-only view of a whole namespace for operators (CLI `ls` / `watch`, the dashboard): every
 * registration of every service, and a live log of registrations and rule changes.
 */
export class FleetView extends EtcdPrefixReader {
  constructor(options: EtcdConnectionOptions | EtcdConnection) {
    super(options, 'FleetView');
  }

  /** Every valid registration (of `service` when given), sorted by service, version, id. */
  async list(service?: string): Promise<FleetEntry[]> {
    const prefix = service === undefined ? namespacePrefix(this.connection.namespace) : `${namespacePrefix(this.connection.namespace)}${validateServiceName(service)}/`;
    const listed = await this.connection.kv.list(prefix);
    const entries: FleetEntry[] = [];
    for (const kv of listed.kvs) {
      const instance = this.parse(kv.key.toString(), kv.value.toString());
      if (instance !== undefined) entries.push({ instance, lease: BigInt(kv.lease || '0').toString(16) });
    }
    return entries.sort((a, b) => compare(a.instance, b.instance));
  }

  /** Live log of the namespace: registrations, updates, deregistrations, rule changes (and invalid rules). */
  events(): Observable<FleetEvent> {
    return new Observable<FleetEvent>((subscriber) => {
      const known = new Map<string, ServiceInstance>();
      let listed = false;
      const onPut = (key: string, value: string, quiet: boolean) => {
        const event = this.classify(key, value, known);
        if (event !== undefined && !quiet) subscriber.next(event);
      };
      const watch = new PrefixWatch(
        this.connection,
        `/${this.connection.namespace}/`,
        {
          reset: (kvs) => {
            // The first listing is the starting state, not news; a re-list reports what changed.
            for (const [key, instance] of [...known]) {
              if (!kvs.has(key)) {
                known.delete(key);
                subscriber.next({ type: 'deregistered', at: Date.now(), instance });
              }
            }
            for (const [key, value] of kvs) if (!listed || !known.has(key)) onPut(key, value, !listed);
            listed = true;
          },
          put: (key, value) => onPut(key, value, false),
          delete: (key) => {
            const instance = known.get(key);
            if (instance !== undefined) {
              known.delete(key);
              subscriber.next({ type: 'deregistered', at: Date.now(), instance });
              return;
            }
            const rule = parseGovernanceKey(key);
            if (rule !== undefined) subscriber.next({ type: 'rule-deleted', at: Date.now(), service: rule.service, key });
          },
        },
        this.logger,
      );
      return this.watches.start(watch);
    });
  }

  private classify(key: string, value: string, known: Map<string, ServiceInstance>): FleetEvent | undefined {
    const at = Date.now();
    if (parseInstanceKey(key) !== undefined) {
      const instance = this.parse(key, value);
      if (instance === undefined) return undefined;
      const type = known.has(key) ? 'updated' : 'registered';
      known.set(key, instance);
      return { type, at, instance };
    }
    const rule = parseGovernanceKey(key);
    if (rule === undefined) return undefined;
    try {
      return { type: 'rule-set', at, service: rule.service, key, rule: parseRuleValue(rule.kind, value, key) };
    } catch (error) {
      return { type: 'rule-invalid', at, service: rule.service, key, reason: (error as Error).message };
    }
  }

  private parse(key: string, value: string): ServiceInstance | undefined {
    const parsed = parseInstanceKey(key);
    if (parsed === undefined) return undefined;
    return readRegistryEntry(key, value, parsed.service, this.logger);
  }
}

function compare(a: ServiceInstance, b: ServiceInstance): number {
  return a.service.localeCompare(b.service) || a.version.localeCompare(b.version, undefined, { numeric: true }) || a.id.localeCompare(b.id);
}

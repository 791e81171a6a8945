import { Observable } from 'rxjs';
import { validateServiceName } from '../instance/validation';
import { EtcdConnection, EtcdConnectionOptions } from './etcd-connection';
import { accessKey, overrideKey, routeKey, serviceGovernancePrefix } from './governance-keys';
import { AccessRule, GovernanceRules, InstanceOverride, TagRoute } from './governance-rules';
import { GovernanceSource } from './governance-source';
import { EtcdPrefixReader } from './etcd-prefix-reader';
import { PrefixWatch } from './prefix-watch';
import { RulesState } from './rules-state';
import { validateAccess, validateOverride, validateRoute } from './rule-validation';

/**
 * Governance rules in etcd (layout in governance-keys.ts). Every write is validated first
 * (InvalidGovernanceRuleError, nothing written); reads and watches skip invalid values and keep
 * the previous valid rule. Builds its own etcd client from registry-style options, or shares an
 * {@link EtcdConnection} it does not close.
 */
export class EtcdGovernanceStore extends EtcdPrefixReader implements GovernanceSource {
  constructor(options: EtcdConnectionOptions | EtcdConnection) {
    super(options, 'Governance');
  }

  get namespace(): string {
    return this.connection.namespace;
  }

  /** Merges `patch` into the override of `target` (instance id or host:port) and writes it. */
  async setOverride(service: string, target: string, patch: InstanceOverride): Promise<InstanceOverride> {
    const key = overrideKey(this.namespace, service, target);
    const current = (await this.rules(service)).overrides[target] ?? {};
    const merged: Record<string, unknown> = { ...current, ...patch };
    for (const field of Object.keys(merged)) if (merged[field] === undefined) delete merged[field];
    if (Object.keys(merged).length === 0) {
      await this.connection.delete(key);
      return {};
    }
    const valid = validateOverride(merged, key);
    await this.connection.put(key, JSON.stringify(valid));
    return valid;
  }

  async clearOverride(service: string, target: string): Promise<boolean> {
    return (await this.connection.delete(overrideKey(this.namespace, service, target))) > 0;
  }

  /** Validates (defaults filled) and writes a tag route. */
  async setRoute(service: string, name: string, route: Partial<TagRoute>): Promise<TagRoute> {
    const key = routeKey(this.namespace, service, name);
    const valid = validateRoute(route, key);
    await this.connection.put(key, JSON.stringify(valid));
    return valid;
  }

  async deleteRoute(service: string, name: string): Promise<boolean> {
    return (await this.connection.delete(routeKey(this.namespace, service, name))) > 0;
  }

  async setAccess(service: string, access: Partial<AccessRule>): Promise<AccessRule> {
    const key = accessKey(this.namespace, service);
    const valid = validateAccess(access, key);
    await this.connection.put(key, JSON.stringify(valid));
    return valid;
  }

  async clearAccess(service: string): Promise<boolean> {
    return (await this.connection.delete(accessKey(this.namespace, service))) > 0;
  }

  /** The valid rules of `service` now (invalid values are logged and skipped). */
  async rules(service: string): Promise<GovernanceRules> {
    const prefix = serviceGovernancePrefix(this.namespace, service);
    const listed = await this.connection.kv.list(prefix);
    const state = new RulesState(service, this.logger);
    state.reset(new Map(listed.kvs.map((kv) => [kv.key.toString(), kv.value.toString()])));
    return state.rules;
  }

  watch(service: string): Observable<GovernanceRules> {
    const name = validateServiceName(service);
    return new Observable<GovernanceRules>((subscriber) => {
      const state = new RulesState(name, this.logger);
      let first = true;
      const emit = (changed: boolean) => {
        if (changed || first) subscriber.next(state.rules);
        first = false;
      };
      const watch = new PrefixWatch(
        this.connection,
        serviceGovernancePrefix(this.namespace, name),
        { reset: (kvs) => emit(state.reset(kvs)), put: (k, v) => emit(state.put(k, v)), delete: (k) => emit(state.delete(k)) },
        this.logger,
      );
      return this.watches.start(watch);
    });
  }
}

import { ServiceInstance } from '../instance/service-instance';
import { DIRECT_ADDRESS_HEADER, GovernanceRules, InstanceOverride, isEmptyRules, TagRoute } from './governance-rules';
import { addressMatches } from './rule-validation';

export type CallHeaders = Readonly<Record<string, string>> | undefined;

/**
 * The candidates a consumer may pick from for one call, with effective weights, once the
 * operator's rules are applied. Pure: no I/O, no state. Order of application:
 *   1. deny / allow lists by address;
 *   2. a direct address header (`x-nestrpc-address: host:port`) keeps only that instance and
 *      ignores the rest of the rules (weight, disable, routes): it is for debugging one instance;
 *   3. overrides: disabled instances leave, weights are replaced (0 = drained);
 *   4. tag routes: a call matching a route goes to the route's tagged instances (fallback when
 *      none is left); other calls stay off instances reserved by exclusive routes.
 * Returns the input array itself when nothing applies (the common case costs one check).
 */
export function applyGovernance(instances: readonly ServiceInstance[], rules: GovernanceRules, headers?: CallHeaders): readonly ServiceInstance[] {
  const direct = headers?.[DIRECT_ADDRESS_HEADER];
  if (direct === undefined && isEmptyRules(rules)) return instances;
  let list = instances;
  const access = rules.access;
  if (access !== undefined) {
    list = list.filter((i) => !access.deny.some((p) => addressMatches(p, i.host, i.port)));
    if (access.allow.length > 0) list = list.filter((i) => access.allow.some((p) => addressMatches(p, i.host, i.port)));
  }
  if (direct !== undefined) {
    return list.filter((i) => `${i.host}:${i.port}` === direct).map((i) => (i.weight > 0 ? i : withWeight(i, 1)));
  }
  list = applyOverrides(list, rules.overrides);
  return applyRoutes(list, rules.routes, headers);
}

function overrideOf(instance: ServiceInstance, overrides: GovernanceRules['overrides']): InstanceOverride | undefined {
  return overrides[instance.id] ?? overrides[`${instance.host}:${instance.port}`];
}

function applyOverrides(list: readonly ServiceInstance[], overrides: GovernanceRules['overrides']): readonly ServiceInstance[] {
  if (Object.keys(overrides).length === 0) return list;
  const out: ServiceInstance[] = [];
  for (const instance of list) {
    const override = overrideOf(instance, overrides);
    if (override?.disabled === true) continue;
    out.push(override?.weight === undefined || override.weight === instance.weight ? instance : withWeight(instance, override.weight));
  }
  return out;
}

function applyRoutes(list: readonly ServiceInstance[], routes: GovernanceRules['routes'], headers: CallHeaders): readonly ServiceInstance[] {
  const names = Object.keys(routes).sort();
  if (names.length === 0) return list;
  const ordered = names.map((n) => routes[n]);
  const matched = headers === undefined ? undefined : ordered.find((r) => headers[r.header] === r.value);
  if (matched !== undefined) {
    const tagged = list.filter((i) => inGroup(i, matched) && i.weight > 0);
    if (tagged.length > 0) return tagged;
    return matched.fallback === 'fail' ? [] : list.filter((i) => !inGroup(i, matched));
  }
  const reserved = ordered.filter((r: TagRoute) => r.exclusive);
  if (reserved.length === 0) return list;
  const open = list.filter((i) => !reserved.some((r) => inGroup(i, r)));
  // Only reserved instances left: better serve untagged calls there than fail them all.
  return open.some((i) => i.weight > 0) ? open : list;
}

/** Tagged at registration, or named by the route. */
function inGroup(instance: ServiceInstance, route: TagRoute): boolean {
  return instance.tags.includes(route.tag) || route.addresses.some((p) => p === instance.id || addressMatches(p, instance.host, instance.port));
}

function withWeight(instance: ServiceInstance, weight: number): ServiceInstance {
  return Object.freeze({ ...instance, weight });
}

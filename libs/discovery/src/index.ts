/**
 * The public API of @nestrpc/discovery. Explicit named exports only: the registry interface and
 * its two implementations, the instance model and its rules, the balancers and what a custom one
 * needs, governance for the CLI and dashboard. etcd internals (watches, lease keeping, snapshot
 * files, empty-push guard, backoff) stay inside the package. api/discovery.api.md lists this
 * surface and CI checks it.
 */

// Errors a caller catches.
export { DiscoveryError } from './errors/discovery.error';
export { InvalidInstanceError } from './errors/invalid-instance.error';
export { InvalidServiceNameError } from './errors/invalid-service-name.error';
export { InvalidVersionRangeError } from './errors/invalid-version-range.error';
export { InvalidVersionError } from './errors/invalid-version.error';
export { NoProvidersError } from './errors/no-providers.error';
export { RegistryClosedError } from './errors/registry-closed.error';
export { RegistryRequestError } from './errors/registry-request.error';
export { RegistryUnavailableError } from './errors/registry-unavailable.error';
export { InvalidGovernanceRuleError } from './governance/invalid-governance-rule.error';

// Service instances: the model, its bounds, its validation and its etcd key layout.
export type { ServiceInstance, ServiceInstanceInit } from './instance/service-instance';
export { DEFAULT_INSTANCE_WEIGHT, MAX_INSTANCE_WEIGHT } from './instance/service-instance';
export { normalizeInstance } from './instance/normalize-instance';
export {
  parseVersion,
  parseVersionRange,
  validateServiceName,
  versionSatisfies,
} from './instance/validation';
export type { ParsedInstanceKey } from './instance/key-layout';
export { instanceKey, namespacePrefix, parseInstanceKey, servicePrefix } from './instance/key-layout';

// Registries.
export type { ServiceRegistry } from './registry/service-registry';
export type { RegistryHealth, WatchState } from './registry/registry-health';
export type { StaticRegistryOptions } from './registry/static-registry';
export { StaticRegistry } from './registry/static-registry';
export type { EtcdRegistryOptions } from './registry/etcd/etcd-registry.options';
export {
  DEFAULT_EMPTY_PUSH_HOLD_MS,
  DEFAULT_ETCD_CALL_TIMEOUT_MS,
  DEFAULT_LEASE_TTL_SECONDS,
  DEFAULT_NAMESPACE,
} from './registry/etcd/constants';
export { EtcdRegistry } from './registry/etcd/etcd-registry';
// One way to build a registry from starter options (both starters use it).
export type { CreatedRegistry, RegistryConfig } from './registry/registry-config';
export { createRegistry, etcdOptionsOf } from './registry/registry-config';

// Load balancing: the base class and pick context a custom balancer implements, the built-ins,
// and the registry that resolves a balancer option.
export type { BalancerOptions } from './balancer/load-balancer';
export { LoadBalancer } from './balancer/load-balancer';
export type { InstanceLoad, InstanceLoadSource, PickContext } from './balancer/pick-context';
export { InstanceStats } from './balancer/instance-stats';
export type { Rng } from './balancer/rng';
export { mulberry32 } from './balancer/rng';
export type { BalancerClass, BalancerLike, BuiltInBalancerName } from './balancer/balancer-registry';
export { BalancerRegistry, DEFAULT_BALANCER, balancers, resolveBalancer } from './balancer/balancer-registry';
export { RandomBalancer } from './balancer/random.balancer';
export { RoundRobinBalancer } from './balancer/round-robin.balancer';
export { WeightedRandomBalancer } from './balancer/weighted-random.balancer';
export { WeightedRoundRobinBalancer } from './balancer/weighted-round-robin.balancer';
export { LeastActiveBalancer } from './balancer/least-active.balancer';
export { P2cBalancer } from './balancer/p2c.balancer';
export type { WeightedLeastRequestOptions } from './balancer/weighted-least-request.balancer';
export { WeightedLeastRequestBalancer } from './balancer/weighted-least-request.balancer';
export type { ConsistentHashOptions } from './balancer/consistent-hash.balancer';
export { ConsistentHashBalancer } from './balancer/consistent-hash.balancer';

// Governance: live weights, tag routes and access rules, and the fleet view for operators.
export type { AccessRule, GovernanceRules, InstanceOverride, TagRoute } from './governance/governance-rules';
export {
  DEFAULT_ROUTE_HEADER,
  DIRECT_ADDRESS_HEADER,
  EMPTY_GOVERNANCE_RULES,
} from './governance/governance-rules';
export type { CallHeaders } from './governance/apply-governance';
export { applyGovernance } from './governance/apply-governance';
export { addressMatches, validateRoute } from './governance/rule-validation';
export type { GovernanceSource } from './governance/governance-source';
export type { GovernanceOption } from './governance/governance-view';
export { GovernanceView } from './governance/governance-view';
export type { EtcdConnectionOptions } from './governance/etcd-connection';
export { EtcdConnection } from './governance/etcd-connection';
export { EtcdGovernanceStore } from './governance/etcd-governance-store';
export type { FleetEntry, FleetEvent } from './governance/fleet-view';
export { FleetView } from './governance/fleet-view';

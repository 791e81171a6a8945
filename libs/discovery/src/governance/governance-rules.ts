/** Header a call carries to ask for a tagged group of instances (canary routes match on it by default). */
export const DEFAULT_ROUTE_HEADER = 'x-nestrpc-tag';
/** Header that pins one call to one instance address (`host:port`), for debugging. */
export const DIRECT_ADDRESS_HEADER = 'x-nestrpc-address';
/** Longest rule value accepted (bytes of JSON): rules are small, a huge value is a mistake. */
export const MAX_RULE_BYTES = 16 * 1024;
/** Most entries in an allow or deny list, and most tag routes applied per service. */
export const MAX_RULE_LIST_LENGTH = 256;

/** Operator override of one instance, addressed by instance id or `host:port`. */
export interface InstanceOverride {
  /** Replaces the registered weight; 0 drains the instance (no new calls). */
  readonly weight?: number;
  /** True: the instance takes no calls at all, as if it were not registered. */
  readonly disabled?: boolean;
}

/**
 * Calls whose header `header` equals `value` go to the route's group: the instances tagged `tag`
 * at registration, plus those the operator names in `addresses` (id, `host` or `host:port`;
 * Dubbo's tag routing works the same way, so a canary needs no redeploy to join). When none is
 * available: `fallback: 'any'` sends the call to the other instances, `'fail'` fails it
 * (NoProvidersError). `exclusive` (default true) keeps calls without the header away from the
 * tagged instances, which is what a canary wants.
 */
export interface TagRoute {
  readonly header: string;
  readonly value: string;
  readonly tag: string;
  /** Instances in the group besides the tagged ones. Default []. */
  readonly addresses: readonly string[];
  readonly fallback: 'any' | 'fail';
  readonly exclusive: boolean;
}

/** Addresses (`host` or `host:port`) allowed to take calls (empty = everyone) and refused. */
export interface AccessRule {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** Every rule of one service as consumers apply it. */
export interface GovernanceRules {
  /** Target (instance id or `host:port`) → override. */
  readonly overrides: Readonly<Record<string, InstanceOverride>>;
  /** Route name → route; applied in name order, the first route the call matches wins. */
  readonly routes: Readonly<Record<string, TagRoute>>;
  readonly access?: AccessRule;
}

export const EMPTY_GOVERNANCE_RULES: GovernanceRules = Object.freeze({ overrides: Object.freeze({}), routes: Object.freeze({}) });

/** True when the rules change nothing (the consumer's fast path). */
export function isEmptyRules(rules: GovernanceRules): boolean {
  return rules.access === undefined && Object.keys(rules.overrides).length === 0 && Object.keys(rules.routes).length === 0;
}

import { LoggerService } from '@nestjs/common';
import { AccessRule, GovernanceRules, InstanceOverride, TagRoute } from './governance-rules';
import { parseGovernanceKey } from './governance-keys';
import { parseRuleValue, ValidatedRule } from './rule-validation';

/**
 * The rules of one service as read from etcd, key by key. A value that fails validation never
 * replaces what was there: the previous valid rule under that key stays in force (or the key stays
 * absent), and the reason is logged. That is what keeps a consumer safe from a hand-edited rule.
 */
export class RulesState {
  private readonly valid = new Map<string, { kind: string; name: string; rule: ValidatedRule }>();
  private current: GovernanceRules | undefined;

  constructor(
    readonly service: string,
    private readonly logger: LoggerService,
  ) {}

  /** Replaces everything with a fresh listing; returns true when the rules changed. */
  reset(kvs: ReadonlyMap<string, string>): boolean {
    for (const key of [...this.valid.keys()]) if (!kvs.has(key)) this.valid.delete(key);
    for (const [key, value] of kvs) this.read(key, value);
    return this.rebuild();
  }

  put(key: string, value: string): boolean {
    return this.read(key, value) && this.rebuild();
  }

  delete(key: string): boolean {
    return this.valid.delete(key) && this.rebuild();
  }

  get rules(): GovernanceRules {
    return this.current ?? build(this.valid.values());
  }

  /** Returns true when a valid rule was stored (invalid ones are logged and leave the previous rule). */
  private read(key: string, value: string): boolean {
    const parsed = parseGovernanceKey(key);
    if (parsed === undefined || parsed.service !== this.service) {
      this.logger.warn(`Ignoring governance key ${key}: it does not follow /<namespace>/governance/${this.service}/{instances/<target>|routes/<name>|access}`);
      return false;
    }
    try {
      this.valid.set(key, { kind: parsed.kind, name: parsed.name, rule: parseRuleValue(parsed.kind, value, key) });
      return true;
    } catch (error) {
      const kept = this.valid.has(key) ? 'keeping the previous rule' : 'no rule applied for it';
      this.logger.warn(`Ignoring invalid governance rule: ${(error as Error).message}; ${kept}`);
      return false;
    }
  }

  private rebuild(): boolean {
    const next = build(this.valid.values());
    const changed = this.current === undefined || JSON.stringify(next) !== JSON.stringify(this.current);
    this.current = next;
    return changed;
  }
}

function build(entries: Iterable<{ kind: string; name: string; rule: ValidatedRule }>): GovernanceRules {
  const overrides: Record<string, InstanceOverride> = {};
  const routes: Record<string, TagRoute> = {};
  let access: AccessRule | undefined;
  for (const { kind, name, rule } of entries) {
    if (kind === 'instance') overrides[name] = rule as InstanceOverride;
    else if (kind === 'route') routes[name] = rule as TagRoute;
    else access = rule as AccessRule;
  }
  return Object.freeze({ overrides: Object.freeze(overrides), routes: Object.freeze(routes), ...(access !== undefined && { access }) });
}

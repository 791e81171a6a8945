import { DiscoveryError } from '../errors/discovery.error';

/** A governance rule that cannot be applied: refused before it is written, ignored when read. */
export class InvalidGovernanceRuleError extends DiscoveryError {
  constructor(
    readonly rule: string,
    readonly reason: string,
  ) {
    super(`Invalid governance rule ${rule}: ${reason}`, 'INVALID_GOVERNANCE_RULE', false);
  }
}

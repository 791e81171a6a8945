import { Logger } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { ServiceInstance } from '../instance/service-instance';
import { applyGovernance, CallHeaders } from './apply-governance';
import { EMPTY_GOVERNANCE_RULES, GovernanceRules } from './governance-rules';
import { GovernanceSource } from './governance-source';

/**
 * A consumer's live copy of one service's rules: subscribes to the source and applies the
 * latest rules to each call's candidates. Until the first rules arrive nothing is filtered.
 */
export class GovernanceView {
  private readonly logger = new Logger('Governance');
  private subscription: Subscription | undefined;
  private rules: GovernanceRules = EMPTY_GOVERNANCE_RULES;

  constructor(
    private readonly source: GovernanceSource,
    readonly service: string,
  ) {}

  get current(): GovernanceRules {
    return this.rules;
  }

  start(): void {
    if (this.subscription !== undefined) return;
    this.subscription = this.source.watch(this.service).subscribe({
      next: (rules) => (this.rules = rules),
      error: (err: Error) => this.logger.warn(`Governance rules of ${this.service} unavailable (${err.message}); keeping the last ones`),
    });
  }

  apply(instances: readonly ServiceInstance[], headers?: CallHeaders): ServiceInstance[] {
    return applyGovernance(instances, this.rules, headers) as ServiceInstance[];
  }

  close(): void {
    this.subscription?.unsubscribe();
  }
}

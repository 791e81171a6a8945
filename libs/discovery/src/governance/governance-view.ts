import { Logger } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { ServiceInstance } from '../instance/service-instance';
import { applyGovernance, CallHeaders } from './apply-governance';
import { EMPTY_GOVERNANCE_RULES, GovernanceRules } from './governance-rules';
import { EtcdConnectionOptions } from './etcd-connection';
import { EtcdGovernanceStore } from './etcd-governance-store';
import { GovernanceSource } from './governance-source';

/** How a consumer says where its rules come from: on (same etcd as discovery), off, or a shared source. */
export type GovernanceOption = boolean | GovernanceSource;

/**
 * A consumer's live copy of one service's rules: subscribes to the source and applies the
 * latest rules to each call's candidates. Until the first rules arrive nothing is filtered.
 */
export class GovernanceView {
  private readonly logger = new Logger('Governance');
  private subscription: Subscription | undefined;
  private rules: GovernanceRules = EMPTY_GOVERNANCE_RULES;
  private closed = false;

  constructor(
    private readonly source: GovernanceSource,
    readonly service: string,
    private readonly ownedStore?: EtcdGovernanceStore,
  ) {}

  /**
   * The view a cluster client needs: `option` true or absent reads the rules from the same etcd as
   * discovery (when discovery is etcd), a source shares one, false turns governance off.
   */
  static create(service: string, option: GovernanceOption | undefined, etcd: EtcdConnectionOptions | undefined): GovernanceView | undefined {
    if (option === false) return undefined;
    if (option !== undefined && option !== true) return new GovernanceView(option, service);
    if (etcd === undefined) return undefined;
    const store = new EtcdGovernanceStore(etcd);
    return new GovernanceView(store, service, store);
  }

  get current(): GovernanceRules {
    return this.rules;
  }

  start(): void {
    if (this.subscription !== undefined || this.closed) return;
    this.subscription = this.source.watch(this.service).subscribe({
      next: (rules) => (this.rules = rules),
      error: (err: Error) => this.logger.warn(`Governance rules of ${this.service} unavailable (${err.message}); keeping the last ones`),
    });
  }

  /** The call's candidates under the current rules (starts watching on first use). */
  apply(instances: readonly ServiceInstance[], headers?: CallHeaders): ServiceInstance[] {
    this.start();
    return applyGovernance(instances, this.rules, headers) as ServiceInstance[];
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscription?.unsubscribe();
    await this.ownedStore?.close();
  }
}

import { Observable } from 'rxjs';
import { GovernanceRules } from './governance-rules';

/** Where consumers read live rules from; {@link EtcdGovernanceStore} is the etcd one. */
export interface GovernanceSource {
  /** The rules of `service` now, then on every change. Never errors: during an outage the last rules stay. */
  watch(service: string): Observable<GovernanceRules>;
}

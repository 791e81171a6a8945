import { ServiceInstance } from '../instance/service-instance';
import { LoadBalancer } from './load-balancer';

/** Plain rotation over the candidates (ordered by id, so the order does not depend on the registry's). */
export class RoundRobinBalancer extends LoadBalancer {
  readonly name: string = 'round-robin';
  private next = 0;

  protected choose(candidates: readonly ServiceInstance[]): ServiceInstance {
    const ordered = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const chosen = ordered[this.next % ordered.length];
    this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
    return chosen;
  }
}

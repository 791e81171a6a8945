import { ServiceInstance } from '../instance/service-instance';
import { versionSatisfies } from '../instance/validation';

/** The instances whose version satisfies `range`, sorted by id (a stable order for every consumer). */
export function selectInRange(instances: Iterable<ServiceInstance>, range: string, matches: (i: ServiceInstance) => boolean = () => false): ServiceInstance[] {
  const selected: ServiceInstance[] = [];
  for (const instance of instances) if (matches(instance) || versionSatisfies(instance.version, range)) selected.push(instance);
  return selected.sort(byId);
}

export function byId(a: ServiceInstance, b: ServiceInstance): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** True when both lists hold the same instances with the same content, in the same order. */
export function sameInstances(a: readonly ServiceInstance[], b: readonly ServiceInstance[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && JSON.stringify(a[i]) !== JSON.stringify(b[i])) return false;
  }
  return true;
}

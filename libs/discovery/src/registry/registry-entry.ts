import { parseInstanceKey } from '../instance/key-layout';
import { parseInstanceJson } from '../instance/normalize-instance';
import { ServiceInstance } from '../instance/service-instance';

/**
 * Parses one registry key/value of `service`. Throws (with the reason) when the key does not follow
 * the layout, the value is not a valid instance, or the two disagree.
 */
export function parseRegistryEntry(key: string, value: string, service: string): ServiceInstance {
  const parsedKey = parseInstanceKey(key);
  if (parsedKey === undefined || parsedKey.service !== service) throw new Error('key does not follow the registry layout');
  const instance = parseInstanceJson(value);
  if (instance.id !== parsedKey.id || instance.service !== parsedKey.service || instance.version !== parsedKey.version) {
    throw new Error(`value (${instance.service}@${instance.version} ${instance.id}) does not match its key`);
  }
  return instance;
}

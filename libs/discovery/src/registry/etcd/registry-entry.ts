import { LoggerService } from '@nestjs/common';
import { parseInstanceKey } from '../../instance/key-layout';
import { parseInstanceJson } from '../../instance/normalize-instance';
import { ServiceInstance } from '../../instance/service-instance';

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

/**
 * The one parse-and-skip rule for values read from etcd (lists, watch events, the fleet view):
 * the instance, or undefined after a warning naming the key and the reason. A bad entry written
 * by hand or by another version never fails a whole list.
 */
export function readRegistryEntry(key: string, value: string, service: string, logger: LoggerService): ServiceInstance | undefined {
  try {
    return parseRegistryEntry(key, value, service);
  } catch (error) {
    logger.warn(`Skipping invalid registry entry ${key}: ${(error as Error).message}`);
    return undefined;
  }
}

import { InvalidInstanceError } from '../errors/invalid-instance.error';
import { Logger } from '@nestjs/common';
import { DEFAULT_INSTANCE_WEIGHT, DEFAULT_PROTOCOL_VERSION, MAX_INSTANCE_WEIGHT, ServiceInstance, ServiceInstanceInit } from './service-instance';
import { isValidKeySegment, parseVersion, validateServiceName } from './validation';

const logger = new Logger('ServiceRegistry');

/**
 * Validates an instance and fills the defaults. Throws InvalidInstanceError, InvalidServiceNameError
 * or InvalidVersionError with the offending field. The result is frozen.
 */
export function normalizeInstance(init: ServiceInstanceInit, now: () => number = Date.now, weights: 'reject' | 'clamp' = 'reject'): ServiceInstance {
  if (init === null || typeof init !== 'object') throw new InvalidInstanceError(undefined, 'must be an object');
  const id = init.id;
  if (!isValidKeySegment(id)) throw new InvalidInstanceError(typeof id === 'string' ? id : undefined, 'id must match [A-Za-z0-9_.:-]{1,200}');
  const bad = (reason: string): never => {
    throw new InvalidInstanceError(id, reason);
  };
  const service = validateServiceName(init.service);
  const version = parseVersion(init.version);
  if (typeof init.host !== 'string' || init.host.trim() === '') bad('host must be a non-empty string');
  if (!Number.isInteger(init.port) || init.port < 1 || init.port > 65_535) bad(`port must be an integer in 1..65535, got ${init.port}`);
  let weight = init.weight ?? DEFAULT_INSTANCE_WEIGHT;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) bad(`weight must be a finite number ≥ 0, got ${weight}`);
  if (weight > MAX_INSTANCE_WEIGHT) {
    if (weights === 'reject') bad(`weight must be at most ${MAX_INSTANCE_WEIGHT} (MAX_INSTANCE_WEIGHT), got ${weight}`);
    logger.warn(`Instance ${id} of ${service} is registered with weight ${weight}; using MAX_INSTANCE_WEIGHT=${MAX_INSTANCE_WEIGHT}`);
    weight = MAX_INSTANCE_WEIGHT;
  }
  const protocolVersion = init.protocolVersion ?? DEFAULT_PROTOCOL_VERSION;
  if (!Number.isInteger(protocolVersion) || protocolVersion < 0) bad(`protocolVersion must be an integer ≥ 0, got ${protocolVersion}`);
  const startedAt = init.startedAt ?? now();
  if (typeof startedAt !== 'number' || !Number.isFinite(startedAt)) bad('startedAt must be epoch milliseconds');
  const serializers = stringList(init.serializers, 'serializers', bad);
  const tags = stringList(init.tags, 'tags', bad);
  const metadata = stringRecord(init.metadata, bad);
  return Object.freeze({
    id,
    service,
    version,
    host: init.host,
    port: init.port,
    weight,
    serializers,
    protocolVersion,
    tags,
    metadata,
    startedAt,
  });
}

/** Parses a registry value (JSON text). Throws on invalid JSON or fields, like {@link normalizeInstance}. */
export function parseInstanceJson(text: string): ServiceInstance {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidInstanceError(undefined, 'value is not a JSON object');
  // Written by another process (maybe older, maybe hostile): an out-of-range weight is clamped, not fatal.
  return normalizeInstance(value as ServiceInstanceInit, Date.now, 'clamp');
}

function stringList(value: unknown, field: string, bad: (reason: string) => never): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) bad(`${field} must be an array of strings`);
  return Object.freeze([...(value as string[])]);
}

function stringRecord(value: unknown, bad: (reason: string) => never): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad('metadata must be an object of strings');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string')) bad('metadata values must be strings');
  return Object.freeze(Object.fromEntries(entries) as Record<string, string>);
}

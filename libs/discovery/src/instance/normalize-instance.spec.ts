import { Logger } from '@nestjs/common';
import { InvalidInstanceError } from '../errors/invalid-instance.error';
import { InvalidVersionError } from '../errors/invalid-version.error';
import { normalizeInstance, parseInstanceJson } from './normalize-instance';
import { MAX_INSTANCE_WEIGHT, ServiceInstanceInit } from './service-instance';

const base: ServiceInstanceInit = { id: 'i-1', service: 'Hello', version: '1.0.0', host: '10.0.0.1', port: 4000 };

describe('normalizeInstance', () => {
  it('fills documented defaults and freezes the result', () => {
    const instance = normalizeInstance(base, () => 1234);
    expect(instance).toEqual({ ...base, weight: 1, serializers: [], protocolVersion: 1, tags: [], metadata: {}, startedAt: 1234 });
    expect(Object.isFrozen(instance)).toBe(true);
  });

  it('keeps weight 0 (registered, no new traffic)', () => {
    expect(normalizeInstance({ ...base, weight: 0 }).weight).toBe(0);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["port", { port: 70_000 }, /port must be an integer in 1..65535/],
    ['host', { host: '' }, /host must be a non-empty string/],
    ['weight', { weight: -1 }, /weight must be a finite number ≥ 0/],
    ['weight 1e308', { weight: 1e308 }, /weight must be at most 10000 \(MAX_INSTANCE_WEIGHT\)/],
    ['weight 10 001', { weight: MAX_INSTANCE_WEIGHT + 1 }, /weight must be at most 10000/],
    ['id', { id: 'a/b' }, /id must match/],
    ['tags', { tags: [1] }, /tags must be an array of strings/],
    ['metadata', { metadata: { a: 1 } }, /metadata values must be strings/],
  ])('names the bad field: %s', (_field, patch, message) => {
    expect(() => normalizeInstance({ ...base, ...patch } as ServiceInstanceInit)).toThrow(InvalidInstanceError);
    expect(() => normalizeInstance({ ...base, ...patch } as ServiceInstanceInit)).toThrow(message);
  });

  it(`accepts weights up to MAX_INSTANCE_WEIGHT (${MAX_INSTANCE_WEIGHT}) and clamps larger ones read from the registry, with a warning`, () => {
    expect(normalizeInstance({ ...base, weight: MAX_INSTANCE_WEIGHT }).weight).toBe(MAX_INSTANCE_WEIGHT);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      expect(parseInstanceJson(JSON.stringify({ ...base, weight: 1e308 })).weight).toBe(MAX_INSTANCE_WEIGHT);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('weight 1e+308'));
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a non-semver version', () => {
    expect(() => normalizeInstance({ ...base, version: '1.0' })).toThrow(InvalidVersionError);
  });

  it('parses registry JSON and refuses garbage', () => {
    expect(parseInstanceJson(JSON.stringify({ ...base, weight: 3 })).weight).toBe(3);
    expect(() => parseInstanceJson('{not json')).toThrow(SyntaxError);
    expect(() => parseInstanceJson('[1]')).toThrow(InvalidInstanceError);
  });
});

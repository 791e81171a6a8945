import { Enum, Field, MapField, Type } from 'protobufjs';

/** Returns `null` when `value` fits, else a message naming the offending field path. */
export type SchemaCheck = (value: unknown) => string | null;

interface Problem {
  /** Where, relative to the checked value: `.field`, `[3]`, `["key"]`, chained. */
  path: string;
  message: string;
}

type ValueCheck = (value: unknown) => Problem | null;

const INTEGER_STRING = /^-?\d+$/;
const UNSIGNED_STRING = /^\d+$/;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;

/**
 * Compiles, once per message type, a checker run before `Type.fromObject`.
 *
 * `Type.verify` is too strict for a transport: it refuses decimal strings and bigints for
 * 64-bit fields and names for enums, which are exactly what the decoder hands out
 * (`longs: String`, `enums: String`), so an object received from a peer could not be sent on.
 * `fromObject` alone is too lax: it silently coerces `"abc"` to 0. This checker accepts what
 * `fromObject` converts faithfully and nothing else, and 32-bit fields must also be in range.
 */
export function compileSchemaCheck(type: Type): SchemaCheck {
  const check = compileType(type, new Map());
  return (value) => {
    const problem = check(value);
    if (problem === null) return null;
    return problem.path === '' ? problem.message : `${problem.path.replace(/^\./, '')}: ${problem.message}`;
  };
}

const fail = (message: string): Problem => ({ path: '', message });

function within(path: string, problem: Problem | null): Problem | null {
  if (problem !== null) problem.path = path + problem.path;
  return problem;
}

/** Wraps a scalar predicate; the message is only built on failure. */
function predicate(ok: (value: unknown) => boolean, message: string): ValueCheck {
  return (value) => (ok(value) ? null : fail(message));
}

function compileType(type: Type, seen: Map<Type, ValueCheck>): ValueCheck {
  const known = seen.get(type);
  if (known !== undefined) return known;
  let fields: { name: string; check: ValueCheck }[] = [];
  let oneofs: { name: string; members: string[] }[] = [];
  const check: ValueCheck = (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(`${type.name} object expected`);
    const record = value as Record<string, unknown>;
    for (const field of fields) {
      const item = record[field.name];
      if (item === undefined || item === null) continue;
      const problem = field.check(item);
      if (problem !== null) return within(`.${field.name}`, problem);
    }
    for (const oneof of oneofs) {
      let set = 0;
      for (const member of oneof.members) if (record[member] !== undefined && record[member] !== null) set++;
      if (set > 1) return within(`.${oneof.name}`, fail('more than one member of the oneof is set'));
    }
    return null;
  };
  // registered before compiling fields so that recursive message types terminate
  seen.set(type, check);
  fields = type.fieldsArray.map((field) => ({ name: field.name, check: compileField(field, seen) }));
  oneofs = type.oneofsArray.map((oneof) => ({ name: oneof.name, members: oneof.oneof }));
  return check;
}

function compileField(field: Field, seen: Map<Type, ValueCheck>): ValueCheck {
  field.resolve();
  const element = compileElement(field, seen);
  if (field instanceof MapField) {
    const key = compileMapKey(field.keyType);
    return (value) => {
      if (typeof value !== 'object' || Array.isArray(value)) return fail('object (map) expected');
      const record = value as Record<string, unknown>;
      for (const k of Object.keys(record)) {
        if (!key(k)) return within(`[${JSON.stringify(k)}]`, fail(`${field.keyType} map key expected`));
        const problem = element(record[k]);
        if (problem !== null) return within(`[${JSON.stringify(k)}]`, problem);
      }
      return null;
    };
  }
  if (field.repeated) {
    return (value) => {
      if (!Array.isArray(value)) return fail('array expected');
      for (let i = 0; i < value.length; i++) {
        const problem = element(value[i]);
        if (problem !== null) return within(`[${i}]`, problem);
      }
      return null;
    };
  }
  return element;
}

function compileElement(field: Field, seen: Map<Type, ValueCheck>): ValueCheck {
  const resolved = field.resolvedType;
  if (resolved instanceof Type) return compileType(resolved, seen);
  if (resolved instanceof Enum) return compileEnum(resolved);
  return compileScalar(field.type);
}

function compileEnum(type: Enum): ValueCheck {
  return (value) => {
    if (typeof value === 'string') return Object.hasOwn(type.values, value) ? null : fail(`${type.name} name expected, got "${value}"`);
    // unknown numbers are legal in open (proto3) enums and come back from the decoder as numbers
    if (isInt(value, INT32_MIN, INT32_MAX)) return null;
    return fail(`${type.name} value expected`);
  };
}

function compileScalar(scalar: string): ValueCheck {
  switch (scalar) {
    case 'double':
    case 'float':
      return predicate((value) => typeof value === 'number', 'number expected');
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return predicate((value) => isInt(value, INT32_MIN, INT32_MAX), 'int32 expected');
    case 'uint32':
    case 'fixed32':
      return predicate((value) => isInt(value, 0, UINT32_MAX), 'uint32 expected');
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return predicate((value) => isLong(value, false), 'int64 expected (integer, bigint or decimal string)');
    case 'uint64':
    case 'fixed64':
      return predicate((value) => isLong(value, true), 'uint64 expected (integer, bigint or decimal string)');
    case 'bool':
      return predicate((value) => typeof value === 'boolean', 'boolean expected');
    case 'string':
      return predicate((value) => typeof value === 'string', 'string expected');
    case 'bytes':
      return predicate((value) => value instanceof Uint8Array || typeof value === 'string', 'Buffer, Uint8Array or base64 string expected');
    default:
      throw new TypeError(`Unsupported protobuf field type "${scalar}"`);
  }
}

function compileMapKey(keyType: string): (key: string) => boolean {
  if (keyType === 'string') return () => true;
  if (keyType === 'bool') return (key) => key === 'true' || key === 'false';
  return keyType.startsWith('u') || keyType.startsWith('fixed') ? (key) => UNSIGNED_STRING.test(key) : (key) => INTEGER_STRING.test(key);
}

function isInt(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isLong(value: unknown, unsigned: boolean): boolean {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && (!unsigned || value >= 0);
    case 'bigint':
      return !unsigned || value >= BigInt(0);
    case 'string':
      return (unsigned ? UNSIGNED_STRING : INTEGER_STRING).test(value);
    case 'object':
      // a Long (or what it serializes to): what protobufjs itself produces without conversion
      return value !== null && Number.isInteger((value as { low?: unknown }).low) && Number.isInteger((value as { high?: unknown }).high);
    default:
      return false;
  }
}

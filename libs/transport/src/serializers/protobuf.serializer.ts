import { IConversionOptions, INamespace, Root, Type } from 'protobufjs';
import { SerializationError } from '../errors/serialization.error';
import { PROTOBUF_SERIALIZER_ID } from './constants';
import { decodeEnvelope, encodeEnvelope } from './protobuf-envelope';
import { compileSchemaCheck, SchemaCheck } from './protobuf-schema-check';
import { assertWireMatches } from './protobuf-wire-check';
import { PayloadKind, SerializeContext, Serializer } from './serializer';

/** Fully qualified message type names for the payloads of one pattern; omitted kinds use the envelope. */
export type ProtobufPatternTypes = Partial<Record<PayloadKind, string>>;

export interface ProtobufSerializerOptions {
  /**
   * Where the message types named in `types` live: a protobufjs `Root`, the path of a `.proto`
   * file (loaded synchronously at construction, imports resolved relative to it), or a JSON
   * descriptor (`root.toJSON()`, `pbjs -t json`). Required when `types` is given.
   */
  root?: Root | string | INamespace;
  /** Normalized pattern → message type per payload kind. Anything not listed uses the envelope. */
  types?: Record<string, ProtobufPatternTypes>;
  /** `.proto` files only: keep field names as written instead of camelCasing them. Default false. */
  keepCase?: boolean;
  /**
   * How schema'd 64-bit integers are decoded. Default `'string'` (exact, as in the proto3 JSON
   * mapping); `'bigint'` is exact too; `'number'` loses precision above 2^53.
   */
  longs?: 'string' | 'number' | 'bigint';
  /** How schema'd enums are decoded: `'string'` names (default) or `'number'`s. */
  enums?: 'string' | 'number';
}

interface CompiledType {
  type: Type;
  check: SchemaCheck;
  /** Decode from a private copy so `bytes` fields (views) do not pin or alias the frame buffer. */
  copyBody: boolean;
}

type CompiledPattern = Partial<Record<PayloadKind, CompiledType>>;

const KINDS: readonly PayloadKind[] = ['request', 'response', 'event', 'error'];
const LONGS = { string: String, number: Number, bigint: BigInt } as const;

/**
 * Protocol Buffers via protobufjs.
 *
 * Payloads of patterns listed in `types` are encoded as those messages (checked first; a
 * mismatch is a SerializationError naming the field). Everything else is encoded as the generic
 * envelope `nestrpc.envelope.v1.Value`, a superset of `google.protobuf.Value` that also carries
 * bytes, timestamps and bigints; see docs/serializers.md for the exact semantics.
 * Both peers must be configured with the same `types`.
 */
export class ProtobufSerializer extends Serializer {
  readonly id = PROTOBUF_SERIALIZER_ID;
  readonly name = 'protobuf';
  /** `bytes` fields are decoded from a private copy of the body, the envelope copies its binary. */
  override readonly keepsNoBodyView = true;
  private readonly patterns: Map<string, CompiledPattern> | undefined;
  private readonly conversion: IConversionOptions;

  constructor(options: ProtobufSerializerOptions = {}) {
    super();
    this.conversion = {
      longs: LONGS[options.longs ?? 'string'],
      enums: options.enums === 'number' ? undefined : String,
      defaults: true,
      arrays: true,
      objects: true,
    };
    this.patterns = ProtobufSerializer.compile(options);
  }

  serialize(value: unknown, context: SerializeContext): Uint8Array {
    const compiled = this.lookup(context);
    try {
      if (compiled === undefined) return encodeEnvelope(value);
      const problem = compiled.check(value);
      if (problem !== null) {
        throw new TypeError(`${context.kind} of "${context.pattern}" does not match ${compiled.type.fullName.slice(1)}: ${problem}`);
      }
      return compiled.type.encode(compiled.type.fromObject(value as Record<string, unknown>)).finish();
    } catch (err) {
      throw new SerializationError(this.name, 'serialize', err);
    }
  }

  deserialize(body: Buffer, context: SerializeContext): unknown {
    const compiled = this.lookup(context);
    try {
      if (compiled === undefined) return decodeEnvelope(body);
      assertWireMatches(compiled.type, body);
      const message = compiled.type.decode(compiled.copyBody ? Buffer.from(body) : body);
      return compiled.type.toObject(message, this.conversion);
    } catch (err) {
      throw new SerializationError(this.name, 'deserialize', err);
    }
  }

  private lookup(context: SerializeContext | undefined): CompiledType | undefined {
    if (this.patterns === undefined || context === undefined) return undefined;
    return this.patterns.get(context.pattern)?.[context.kind];
  }

  private static compile(options: ProtobufSerializerOptions): Map<string, CompiledPattern> | undefined {
    const types = options.types ?? {};
    const patterns = Object.keys(types);
    if (patterns.length === 0) return undefined;
    if (options.root === undefined) throw new TypeError('ProtobufSerializer: `types` needs a `root` (Root, .proto path or JSON descriptor)');
    const root = ProtobufSerializer.loadRoot(options.root, options.keepCase === true);
    const checks = new Map<Type, CompiledType>();
    const compiled = new Map<string, CompiledPattern>();
    for (const pattern of patterns) {
      const entry: CompiledPattern = {};
      for (const kind of KINDS) {
        const name = types[pattern][kind];
        if (name === undefined) continue;
        const type = ProtobufSerializer.lookupType(root, name, pattern, kind);
        let known = checks.get(type);
        if (known === undefined) {
          known = { type, check: compileSchemaCheck(type), copyBody: hasBytes(type, new Set()) };
          checks.set(type, known);
        }
        entry[kind] = known;
      }
      compiled.set(pattern, entry);
    }
    return compiled;
  }

  private static loadRoot(root: Root | string | INamespace, keepCase: boolean): Root {
    let loaded: Root;
    if (typeof root === 'string') loaded = new Root().loadSync(root, { keepCase });
    else if (typeof (root as Root).lookupType === 'function') loaded = root as Root;
    else loaded = Root.fromJSON(root as INamespace);
    loaded.resolveAll();
    return loaded;
  }

  private static lookupType(root: Root, name: string, pattern: string, kind: PayloadKind): Type {
    try {
      return root.lookupType(name);
    } catch (err) {
      throw new TypeError(`ProtobufSerializer: types["${pattern}"].${kind} names "${name}", which is not a message type in the root`, { cause: err });
    }
  }
}

function hasBytes(type: Type, seen: Set<Type>): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  return type.fieldsArray.some((field) => {
    field.resolve();
    return field.type === 'bytes' || (field.resolvedType instanceof Type && hasBytes(field.resolvedType, seen));
  });
}

import { UnknownSerializerError } from '../errors/unknown-serializer.error';
import { JsonSerializer } from './json.serializer';
import { MsgpackSerializer } from './msgpack.serializer';
import { ProtobufSerializer } from './protobuf.serializer';
import { Serializer } from './serializer';

type SerializerClass = new (options?: any) => Serializer; // eslint-disable-line @typescript-eslint/no-explicit-any

/** How a serializer is named in options: a built-in name, an instance, a class, or `{ type, options }`. */
export type SerializerLike = string | Serializer | SerializerClass | { type: string | SerializerClass; options?: unknown };

/** Every endpoint understands these unless told otherwise, so a server answers any built-in caller. */
export const DEFAULT_SERIALIZERS: readonly SerializerLike[] = ['json', 'msgpack', 'protobuf'];

const BUILTIN: Record<string, SerializerClass> = {
  json: JsonSerializer,
  msgpack: MsgpackSerializer,
  protobuf: ProtobufSerializer,
};

/** Serializers known to one endpoint, looked up by wire id (hot path) or by name. */
export class SerializerRegistry {
  private readonly byId: (Serializer | undefined)[] = new Array(256);
  private readonly byName = new Map<string, Serializer>();

  constructor(serializers: Iterable<SerializerLike> = DEFAULT_SERIALIZERS) {
    for (const s of serializers) this.add(SerializerRegistry.resolve(s));
  }

  static resolve(like: SerializerLike): Serializer {
    if (like instanceof Serializer) return like;
    if (typeof like === 'function') return new like();
    if (typeof like === 'string') return SerializerRegistry.fromName(like);
    const { type, options } = like;
    return typeof type === 'function' ? new type(options) : SerializerRegistry.fromName(type, options);
  }

  private static fromName(name: string, options?: unknown): Serializer {
    const type = BUILTIN[name];
    if (type === undefined) throw new UnknownSerializerError(name, Object.keys(BUILTIN));
    return new type(options);
  }

  add(serializer: Serializer): this {
    const { id, name } = serializer;
    if (!Number.isInteger(id) || id < 1 || id > 255) {
      throw new RangeError(`Serializer "${name}" has id ${id}; ids are integers 1..255`);
    }
    const clash = this.byId[id];
    if (clash !== undefined && clash.name !== name) {
      throw new RangeError(`Serializer id ${id} is taken by "${clash.name}", cannot add "${name}"`);
    }
    this.byId[id] = serializer;
    this.byName.set(name, serializer);
    return this;
  }

  has(id: number): boolean {
    return this.byId[id] !== undefined;
  }

  get(id: number): Serializer {
    const serializer = this.byId[id];
    if (serializer === undefined) throw new UnknownSerializerError(id, this.ids());
    return serializer;
  }

  /** Finds a registered serializer by name, or resolves and registers `like`. */
  use(like: SerializerLike): Serializer {
    if (typeof like === 'string') {
      const known = this.byName.get(like);
      if (known !== undefined) return known;
    }
    const serializer = SerializerRegistry.resolve(like);
    this.add(serializer);
    return serializer;
  }

  ids(): number[] {
    return [...this.byName.values()].map((s) => s.id);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}

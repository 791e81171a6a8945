import { UnknownSerializerError } from '../errors/unknown-serializer.error';
import { Serializer } from './serializer';
import { SerializerLike, serializers } from './serializer-types';

export type { SerializerLike } from './serializer-types';

/** Every endpoint understands these unless told otherwise, so a server answers any built-in caller. */
export const DEFAULT_SERIALIZERS: readonly SerializerLike[] = ['json', 'msgpack', 'protobuf'];

/** Serializers known to one endpoint, looked up by wire id (hot path) or by name. */
export class SerializerRegistry {
  private readonly byId: (Serializer | undefined)[] = new Array(256);
  private readonly byName = new Map<string, Serializer>();

  constructor(specs: Iterable<SerializerLike> = DEFAULT_SERIALIZERS) {
    for (const spec of specs) this.add(SerializerRegistry.resolve(spec));
  }

  /** The serializer `like` names, through the process-wide `serializers` registry. */
  static resolve(like: SerializerLike): Serializer {
    return serializers.resolve(like);
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

/**
 * One shape for every pluggable part (serializers, cluster strategies; balancers follow the same
 * API): configuration names one by a registered name, a class, a ready instance, or
 * `{ type, options }`, and users register their own classes under a name.
 */

/** A pluggable class; its constructor takes one options object. */
export type PluggableClass<T, O extends object = object> = new (options?: O) => T;

/** How configuration names a pluggable: a registered name, a class, a ready instance, or `{ type, options }`. */
export type PluggableSpec<T, O extends object = object> =
  | string
  | PluggableClass<T, O>
  | T
  | { readonly type: string | PluggableClass<T, O>; readonly options?: O };

/** What a registry does when a name is not registered: the error to throw (typed by the caller). */
export type UnknownPluggable = (name: string, known: readonly string[]) => Error;

/** Maps names to classes of one kind of pluggable and builds instances from a spec. */
export class PluggableRegistry<T extends object, O extends object = object> {
  private readonly classes = new Map<string, PluggableClass<T, O>>();

  /**
   * @param kind what is resolved ("serializer", "cluster strategy"), for messages
   * @param isInstance tells a ready instance from a spec (an instance is used as is)
   * @param unknown the error for a name nobody registered
   */
  constructor(
    readonly kind: string,
    private readonly isInstance: (value: unknown) => value is T,
    private readonly unknown: UnknownPluggable = (name, known) =>
      new TypeError(`Unknown ${kind} "${name}"; known: ${known.join(', ')}`),
  ) {}

  /** Makes `name` resolve to `type` (replacing an earlier registration of that name). */
  register(name: string, type: PluggableClass<T, O>): this {
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError(`A ${this.kind} name must be a non-empty string`);
    if (typeof type !== 'function') throw new TypeError(`A ${this.kind} is registered as a class, got ${String(type)}`);
    this.classes.set(name, type);
    return this;
  }

  has(name: string): boolean {
    return this.classes.has(name);
  }

  names(): string[] {
    return [...this.classes.keys()];
  }

  /**
   * The instance `spec` names: an instance as is, otherwise a fresh one (pluggables may be
   * stateful). `defaults` are options every fresh instance gets, under the spec's own.
   */
  resolve(spec: PluggableSpec<T, O>, defaults?: O): T {
    if (this.isInstance(spec)) return spec;
    if (typeof spec === 'string') return this.build(this.classOf(spec), defaults);
    if (typeof spec === 'function') return this.build(spec, defaults);
    if (spec !== null && typeof spec === 'object' && 'type' in spec) {
      const type = typeof spec.type === 'string' ? this.classOf(spec.type) : spec.type;
      if (typeof type !== 'function') throw new TypeError(`A ${this.kind} type must be a name or a class, got ${String(type)}`);
      return this.build(type, spec.options === undefined ? defaults : ({ ...defaults, ...spec.options } as O));
    }
    throw new TypeError(`Cannot resolve a ${this.kind} from ${describe(spec)}: use a name (${this.names().join(', ')}), a class, an instance or { type, options }`);
  }

  private build(type: PluggableClass<T, O>, options: O | undefined): T {
    return options === undefined ? new type() : new type(options);
  }

  private classOf(name: string): PluggableClass<T, O> {
    const type = this.classes.get(name);
    if (type === undefined) throw this.unknown(name, this.names());
    return type;
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

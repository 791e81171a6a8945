import { PluggableRegistry } from './pluggable-registry';

abstract class Codec {
  abstract readonly name: string;
}

class Plain extends Codec {
  readonly name = 'plain';
  constructor(readonly options: { level?: number; label?: string } = {}) {
    super();
  }
}

class Fancy extends Codec {
  readonly name = 'fancy';
}

class NotFoundError extends Error {}

const isCodec = (value: unknown): value is Codec => value instanceof Codec;

describe('PluggableRegistry', () => {
  const make = () => new PluggableRegistry<Codec, { level?: number; label?: string }>('codec', isCodec).register('plain', Plain);

  it('resolves a registered name, a class, an instance and { type, options }', () => {
    const registry = make();
    expect(registry.resolve('plain')).toBeInstanceOf(Plain);
    expect(registry.resolve(Fancy)).toBeInstanceOf(Fancy);
    const ready = new Fancy();
    expect(registry.resolve(ready)).toBe(ready);
    expect((registry.resolve({ type: 'plain', options: { level: 3 } }) as Plain).options).toEqual({ level: 3 });
    expect((registry.resolve({ type: Plain, options: { level: 4 } }) as Plain).options).toEqual({ level: 4 });
  });

  it('builds a fresh instance per resolution (pluggables may hold state)', () => {
    const registry = make();
    expect(registry.resolve('plain')).not.toBe(registry.resolve('plain'));
  });

  it("passes defaults to what it builds, under the spec's own options, and never to a ready instance", () => {
    const registry = make();
    expect((registry.resolve('plain', { level: 1, label: 'd' }) as Plain).options).toEqual({ level: 1, label: 'd' });
    expect((registry.resolve({ type: 'plain', options: { level: 9 } }, { level: 1, label: 'd' }) as Plain).options).toEqual({ level: 9, label: 'd' });
    const ready = new Plain({ level: 5 });
    expect((registry.resolve(ready, { level: 1 }) as Plain).options).toEqual({ level: 5 });
  });

  it('is open: a registered name resolves, a re-registration replaces it', () => {
    const registry = make().register('fancy', Fancy);
    expect(registry.has('fancy')).toBe(true);
    expect(registry.names()).toEqual(['plain', 'fancy']);
    expect(registry.resolve('fancy')).toBeInstanceOf(Fancy);
    registry.register('fancy', Plain);
    expect(registry.resolve('fancy')).toBeInstanceOf(Plain);
  });

  it('names the known names when a name is unknown, with the error the owner chose', () => {
    expect(() => make().resolve('nope')).toThrow('Unknown codec "nope"; known: plain');
    const typed = new PluggableRegistry<Codec>('codec', isCodec, (name) => new NotFoundError(name));
    expect(() => typed.resolve('nope')).toThrow(NotFoundError);
  });

  it('refuses bad registrations and specs with a TypeError', () => {
    const registry = make();
    expect(() => registry.register('', Plain)).toThrow(TypeError);
    expect(() => registry.register('x', 'Plain' as never)).toThrow(TypeError);
    expect(() => registry.resolve(42 as never)).toThrow(/Cannot resolve a codec from 42/);
    expect(() => registry.resolve({ type: 7 } as never)).toThrow(/type must be a name or a class/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => registry.resolve(cyclic as never)).toThrow(TypeError);
  });
});

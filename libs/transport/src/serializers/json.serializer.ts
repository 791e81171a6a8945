import { JSON_SERIALIZER_ID } from './constants';
import { Serializer } from './serializer';

/**
 * JSON (UTF-8). The default: readable, and every language has it.
 * Semantics are those of `JSON.stringify`/`JSON.parse`: a `Date` arrives as its ISO string,
 * a `Buffer` as `{ type: 'Buffer', data: [...] }`, `undefined` object fields are dropped and
 * `undefined` array items become `null`. A top-level `undefined` travels as "no body" and
 * arrives as `undefined`.
 */
export class JsonSerializer extends Serializer {
  readonly id = JSON_SERIALIZER_ID;
  readonly name = 'json';
  /** JSON.parse builds its values from a string copy of the body. */
  override readonly keepsNoBodyView = true;

  /** The JSON text; the frame encoder writes it as UTF-8 without an intermediate buffer. */
  serialize(value: unknown): string {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new TypeError(`${typeof value} has no JSON representation`);
    return text;
  }

  deserialize(body: Buffer): unknown {
    return JSON.parse(body.toString('utf8'));
  }
}

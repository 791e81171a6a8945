import { AuthenticationError } from '../errors/authentication.error';
import { RpcCredentials } from './rpc-identity';

/** A credential travels in one metadata entry, whose length field is a u16. */
export const MAX_CREDENTIAL_BYTES = 0xffff;

/**
 * The credential for one new connection: a provider function is called every time, so a
 * refreshed token is used by the next connection. A provider that fails, or returns no string,
 * fails that connection attempt with AuthenticationError (the cause attached).
 */
export async function resolveCredential(credentials: RpcCredentials | undefined): Promise<string | undefined> {
  if (credentials === undefined) return undefined;
  let value: unknown = credentials;
  if (typeof credentials === 'function') {
    try {
      value = await credentials();
    } catch (err) {
      throw new AuthenticationError(`The credentials provider failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
  }
  if (typeof value !== 'string') throw new AuthenticationError(`The credentials provider returned ${typeof value}, not a string`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_CREDENTIAL_BYTES) throw new AuthenticationError(`The credential is ${bytes} bytes; at most ${MAX_CREDENTIAL_BYTES} fit in the handshake`);
  return value;
}

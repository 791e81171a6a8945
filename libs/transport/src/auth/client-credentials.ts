import { AuthenticationError } from '../errors/authentication.error';
import { RpcCredentials } from './rpc-identity';

/**
 * The credential for one new connection: a provider function is called every time, so a
 * refreshed token is used by the next connection. A provider that fails, or returns no string,
 * fails that connection attempt with AuthenticationError (the cause attached).
 */
export async function resolveCredential(credentials: RpcCredentials | undefined): Promise<string | undefined> {
  if (credentials === undefined || typeof credentials === 'string') return credentials;
  let value: unknown;
  try {
    value = await credentials();
  } catch (err) {
    throw new AuthenticationError(`The credentials provider failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  if (typeof value !== 'string') throw new AuthenticationError(`The credentials provider returned ${typeof value}, not a string`);
  return value;
}

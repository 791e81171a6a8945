import { AuthenticationError } from '../errors/authentication.error';
import { MAX_CREDENTIAL_BYTES, resolveCredential } from './client-credentials';

describe('resolveCredential', () => {
  it('passes a fixed value through and asks a provider every time', async () => {
    await expect(resolveCredential(undefined)).resolves.toBeUndefined();
    await expect(resolveCredential('t')).resolves.toBe('t');
    let n = 0;
    const provider = () => `t${++n}`;
    await expect(resolveCredential(provider)).resolves.toBe('t1');
    await expect(resolveCredential(async () => provider())).resolves.toBe('t2');
  });

  it.each([
    ['a provider that throws', () => { throw new Error('vault sealed'); }, 'The credentials provider failed: vault sealed'],
    ['a provider that returns no string', () => 42 as unknown as string, 'The credentials provider returned number, not a string'],
    ['a credential too large for the handshake', 'x'.repeat(MAX_CREDENTIAL_BYTES + 1), `The credential is ${MAX_CREDENTIAL_BYTES + 1} bytes; at most ${MAX_CREDENTIAL_BYTES} fit in the handshake`],
  ])('fails the attempt with AuthenticationError for %s', async (_, credentials, message) => {
    const error = await resolveCredential(credentials).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe(message);
  });
});

import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export interface KeyPair {
  key: Buffer;
  cert: Buffer;
}

export interface TestPki {
  /** The CA's certificate: what both sides trust. */
  ca: Buffer;
  /** For 127.0.0.1 / localhost (server authentication). */
  server: KeyPair;
  /** The same CA and server pair as files, for processes that read them (etcd); gone after dispose(). */
  files: { ca: string; serverCert: string; serverKey: string };
  /** Issues a client certificate with this subject (e.g. '/CN=orders/O=shop'). */
  client(subject: string): KeyPair;
  /** A key pair from a different CA: well-formed, but nobody here trusts it. */
  stranger(subject: string): KeyPair;
  /** Deletes the files (certificates stay usable in memory). */
  dispose(): void;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A throwaway self-signed certificate for 127.0.0.1, made with openssl for this run. */
export function selfSigned(): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'nestrpc-tls-'));
  try {
    openssl([
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CA, a server certificate for loopback and client certificates on demand, generated with
 * openssl for this run (EC P-256: fast to make). For mTLS and etcd TLS tests.
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'nestrpc-pki-'));
  const file = (name: string) => join(dir, name);
  let serial = 0;
  const makeCa = (name: string, cn: string) => {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${cn}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`)]);
  };
  const issue = (ca: string, subject: string, extensions: string): KeyPair => {
    const name = `leaf-${++serial}`;
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', subject, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)]);
    openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.pem`), '-CAkey', file(`${ca}.key`), '-set_serial', String(1000 + serial), '-days', '1', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`)]);
    return { key: readFileSync(file(`${name}.key`)), cert: readFileSync(file(`${name}.pem`)) };
  };
  makeCa('ca', 'nestrpc test CA');
  makeCa('other-ca', 'untrusted CA');
  const server = issue('ca', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  return {
    ca: readFileSync(file('ca.pem')),
    server,
    files: { ca: file('ca.pem'), serverCert: file('leaf-1.pem'), serverKey: file('leaf-1.key') },
    client: (subject) => issue('ca', subject, 'extendedKeyUsage=clientAuth\n'),
    stranger: (subject) => issue('other-ca', subject, 'extendedKeyUsage=clientAuth\n'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

import { Socket } from 'net';
import { DetailedPeerCertificate, TLSSocket } from 'tls';
import { RpcIdentity, RpcPeerCertificate } from './rpc-identity';

type DistinguishedName = Record<string, string | string[] | undefined>;

function formatName(name: DistinguishedName | undefined): string {
  if (name === undefined) return '';
  return Object.entries(name)
    .flatMap(([key, value]) => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => `${key}=${v}`))
    .join(',');
}

function first(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value[0] ?? '' : value ?? '';
}

/**
 * The client certificate of a TLS socket, only when the TLS layer verified it against the
 * server's CA (`socket.authorized`): an unverified certificate proves nothing.
 */
export function verifiedPeerCertificate(socket: Socket): RpcPeerCertificate | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate() as DetailedPeerCertificate | Record<string, never>;
  if (cert === null || Object.keys(cert).length === 0) return undefined;
  const subject = cert.subject as unknown as DistinguishedName | undefined;
  return {
    subject: formatName(subject),
    commonName: first(subject?.CN),
    issuer: formatName(cert.issuer as unknown as DistinguishedName | undefined),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    subjectAltName: cert.subjectaltname ?? '',
    validTo: cert.valid_to,
  };
}

/** The identity an mTLS connection has before (or without) any token. */
export function certificateIdentity(certificate: RpcPeerCertificate | undefined): RpcIdentity | undefined {
  return certificate === undefined ? undefined : { kind: 'certificate', subject: certificate.commonName, claims: {}, certificate };
}

/** The identity a token verifier's claims establish. */
export function tokenIdentity(claims: Record<string, unknown>, certificate: RpcPeerCertificate | undefined): RpcIdentity {
  const named = typeof claims.sub === 'string' ? claims.sub : typeof claims.subject === 'string' ? claims.subject : certificate?.commonName ?? '';
  return { kind: 'token', subject: named, claims: Object.freeze({ ...claims }), certificate };
}

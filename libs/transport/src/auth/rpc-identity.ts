/** The verified client certificate of an mTLS connection. */
export interface RpcPeerCertificate {
  /** Subject distinguished name, e.g. `CN=orders,O=shop` (RFC 4514 order as Node reports it). */
  readonly subject: string;
  /** Subject common name (`CN`), '' when absent. */
  readonly commonName: string;
  /** Issuer distinguished name. */
  readonly issuer: string;
  /** SHA-256 fingerprint, colon-separated hex as Node reports it: pin on this, not on the CN. */
  readonly fingerprint256: string;
  readonly serialNumber: string;
  /** `subjectaltname` as Node reports it (`DNS:a, URI:spiffe://...`), '' when absent. */
  readonly subjectAltName: string;
  readonly validTo: string;
}

/**
 * Who is calling, as established once per connection: by a token verifier (`kind: 'token'`)
 * or by a verified client certificate alone (`kind: 'certificate'`). Handlers, guards and
 * interceptors read it with `RpcContext#getIdentity()`.
 */
export interface RpcIdentity {
  readonly kind: 'token' | 'certificate';
  /**
   * The caller's name: the verifier's `sub` (or `subject`) claim for a token, the certificate's
   * common name otherwise; '' when neither names one.
   */
  readonly subject: string;
  /** What the token verifier returned (empty for certificate identities). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Present when the connection is mTLS with a verified client certificate. */
  readonly certificate?: RpcPeerCertificate;
}

/** What a token verifier is given: the credential the client sent and what else is known of the peer. */
export interface RpcAuthRequest {
  /** The credential from the client's handshake, or undefined when it sent none. */
  readonly credential: string | undefined;
  /** Remote address:port. */
  readonly peer: string;
  /** The verified client certificate (mTLS), so a verifier can bind a token to it. */
  readonly certificate: RpcPeerCertificate | undefined;
}

/**
 * Decides whether a connection may call: resolves to the token's claims to accept (they
 * become `RpcIdentity#claims`), to `false`/`null`/`undefined` to refuse, or throws to refuse
 * (an `AuthenticationError`'s message is sent to the client; any other error's is not).
 */
export type RpcTokenVerifier = (request: RpcAuthRequest) => Promise<Record<string, unknown> | false | null | undefined> | Record<string, unknown> | false | null | undefined;

/** `RpcServerOptions#auth`. */
export interface RpcServerAuthOptions {
  /** Required: without it the server accepts every connection (the credential is ignored). */
  verifyToken: RpcTokenVerifier;
  /** A verifier that has not answered within this many ms refuses the connection. Default 5 000. */
  verifyTimeoutMs?: number;
}

/** A client's credential: a fixed value, or a function called for each new connection (refreshable tokens). */
export type RpcCredentials = string | (() => string | Promise<string>);

import { LoggerService } from '@nestjs/common';

import { DEFAULT_EMPTY_PUSH_HOLD_MS, DEFAULT_ETCD_CALL_TIMEOUT_MS, DEFAULT_LEASE_TTL_SECONDS, DEFAULT_NAMESPACE } from './constants';

export interface EtcdRegistryOptions {
  /** etcd endpoints, with scheme: `http://127.0.0.1:2379` or a list (all members of the cluster). */
  hosts: string | string[];
  /** Key namespace. Default {@link DEFAULT_NAMESPACE} ('nestrpc'). */
  namespace?: string;
  /** etcd user/password authentication, passed to etcd3. */
  auth?: { username: string; password: string };
  /** TLS material (PEM buffers), passed to etcd3. Use `https://` hosts with it. */
  credentials?: { rootCertificate: Buffer; privateKey?: Buffer; certChain?: Buffer };
  /** Lease TTL in seconds (≥ 1). Default {@link DEFAULT_LEASE_TTL_SECONDS} (10). */
  leaseTtlSeconds?: number;
  /** Deadline of each etcd call, ms. Default {@link DEFAULT_ETCD_CALL_TIMEOUT_MS} (3000). */
  callTimeoutMs?: number;
  /**
   * File where watched services' instance lists are saved (atomically) on every change and on
   * close; read when a watch starts while etcd is unreachable. Default: none.
   */
  snapshotFile?: string;
  /**
   * Do not believe a sudden empty list blindly: when a re-list (reconnect, new cluster, compaction)
   * or deletions right after a reconnect would empty a non-empty service, keep serving the previous
   * list for up to `emptyPushHoldMs` or until an instance shows up. Deletions seen on a healthy
   * stream (deregistration, lease expiry) always apply at once. Default true.
   */
  emptyPushProtection?: boolean;
  /** Default {@link DEFAULT_EMPTY_PUSH_HOLD_MS} (15 000). */
  emptyPushHoldMs?: number;
  /** Default: Nest's `Logger` with context 'EtcdRegistry'. */
  logger?: LoggerService;
}

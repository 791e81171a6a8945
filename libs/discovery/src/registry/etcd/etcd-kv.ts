import { BrokenCircuitError } from 'cockatiel';
import type { Etcd3, IKeyValue, Lease } from 'etcd3';
import { DiscoveryError } from '../../errors/discovery.error';
import { RegistryRequestError } from '../../errors/registry-request.error';
import { RegistryUnavailableError } from '../../errors/registry-unavailable.error';
import { isRecoverableEtcdError } from './etcd-client.factory';
import { deadlineIn, withDeadline } from '@nestrpc/common';

export interface ListResult {
  readonly revision: number;
  readonly clusterId: string;
  readonly kvs: readonly IKeyValue[];
}

/**
 * The few etcd operations discovery needs, each bounded by the call timeout (per attempt through
 * gRPC deadlines, and overall through a guard timer), failures mapped to RegistryUnavailableError.
 */
export class EtcdKv {
  constructor(
    readonly client: Etcd3,
    readonly endpoints: readonly string[],
    readonly timeoutMs: number,
  ) {}

  list(prefix: string): Promise<ListResult> {
    const work = this.client
      .getAll()
      .prefix(prefix)
      .options(deadlineIn(this.timeoutMs))
      .exec()
      .then((res) => ({ revision: Number(res.header.revision), clusterId: String(res.header.cluster_id), kvs: res.kvs }));
    return this.bounded(work, `list ${prefix}`);
  }

  async put(key: string, value: string, lease: Lease): Promise<void> {
    await this.bounded(lease.put(key).value(value).options(deadlineIn(this.timeoutMs)).exec(), `put ${key}`);
  }

  async delete(key: string): Promise<void> {
    await this.bounded(this.client.delete().key(key).options(deadlineIn(this.timeoutMs)).exec(), `delete ${key}`);
  }

  /** Grants a lease and waits until etcd confirmed it. On failure the lease is dropped. */
  async grant(ttlSeconds: number): Promise<Lease> {
    const lease = this.client.lease(ttlSeconds, deadlineIn(this.timeoutMs));
    lease.on('lost', () => undefined); // grant failures also emit 'lost'; the rejection below reports them
    try {
      await this.bounded(lease.grant(), 'lease grant');
      lease.removeAllListeners('lost');
      return lease;
    } catch (error) {
      lease.release();
      throw error;
    }
  }

  bounded<T>(work: Promise<T>, operation: string): Promise<T> {
    return withDeadline(work, this.timeoutMs + 250, () => new RegistryUnavailableError(this.endpoints, operation, new Error(`no answer within ${this.timeoutMs} ms`))).catch(
      (error: unknown) => {
        if (error instanceof DiscoveryError) throw error;
        if (isUnavailable(error)) throw new RegistryUnavailableError(this.endpoints, operation, error);
        throw new RegistryRequestError(this.endpoints, operation, error);
      },
    );
  }
}

/** Connection-level failures (refused, timed out, circuit open), as opposed to etcd refusing the request. */
function isUnavailable(error: unknown): boolean {
  return error instanceof BrokenCircuitError || (error instanceof Error && isRecoverableEtcdError(error));
}

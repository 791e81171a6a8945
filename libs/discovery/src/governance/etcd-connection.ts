import type { Etcd3 } from 'etcd3';
import { deadlineIn } from '@nestrpc/common';
import { createEtcdClient, endpointsOf } from '../registry/etcd/etcd-client.factory';
import { EtcdKv } from '../registry/etcd/etcd-kv';
import { EtcdRegistryOptions } from '../registry/etcd/etcd-registry.options';
import { DEFAULT_ETCD_CALL_TIMEOUT_MS, DEFAULT_NAMESPACE } from '../registry/etcd/constants';
import { isValidKeySegment } from '../instance/validation';

/** Connection options of the operations tools: the registry's, minus what only providers use. */
export type EtcdConnectionOptions = Pick<EtcdRegistryOptions, 'hosts' | 'namespace' | 'auth' | 'credentials' | 'callTimeoutMs' | 'logger'>;

/**
 * One etcd client for the governance store and the fleet view (CLI, dashboard, consumers), built
 * by the registry's own factory so deadlines, keepalive and reconnects behave the same.
 */
export class EtcdConnection {
  readonly namespace: string;
  readonly endpoints: readonly string[];
  readonly client: Etcd3;
  readonly kv: EtcdKv;
  private closed = false;

  constructor(readonly options: EtcdConnectionOptions) {
    this.endpoints = endpointsOf(options);
    if (this.endpoints.length === 0 || this.endpoints.some((e) => e === '')) throw new TypeError('etcd needs at least one endpoint in `hosts`');
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    if (!isValidKeySegment(this.namespace)) throw new TypeError(`Invalid namespace ${JSON.stringify(this.namespace)}: use letters, digits, "_", ".", ":" or "-"`);
    const timeoutMs = options.callTimeoutMs ?? DEFAULT_ETCD_CALL_TIMEOUT_MS;
    this.client = createEtcdClient({ ...options, hosts: [...this.endpoints] }, timeoutMs);
    this.kv = new EtcdKv(this.client, this.endpoints, timeoutMs);
  }

  /** Rejects with RegistryUnavailableError (naming the endpoints) when etcd does not answer within the call timeout. */
  async check(): Promise<void> {
    await this.kv.bounded(this.client.get(`/${this.namespace}/`).options(deadlineIn(this.kv.timeoutMs)).exec(), 'connect');
  }

  async put(key: string, value: string): Promise<void> {
    await this.kv.bounded(this.client.put(key).value(value).options(deadlineIn(this.kv.timeoutMs)).exec(), `put ${key}`);
  }

  /** Deletes `key`; resolves with the number of keys deleted. */
  async delete(key: string): Promise<number> {
    const res = await this.kv.bounded(this.client.delete().key(key).options(deadlineIn(this.kv.timeoutMs)).exec(), `delete ${key}`);
    return Number(res.deleted);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }
}

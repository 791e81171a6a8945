import { InvalidServiceNameError, RpcError } from '@nestrpc/common';
import { RpcClusterClient } from './rpc-cluster.client';

describe('RpcClusterClient service name', () => {
  it('refuses a dotted service name with a typed error: "a.b" + "c" would be the same pattern as "a" + "b.c"', () => {
    const create = () => new RpcClusterClient({ service: 'a.b', registry: { static: {} } });
    expect(create).toThrow(InvalidServiceNameError);
    expect(() => create()).toThrow(expect.objectContaining({ code: 'INVALID_SERVICE_NAME', retryable: false }));
    try {
      create();
    } catch (error) {
      expect(error).toBeInstanceOf(RpcError);
    }
  });
});

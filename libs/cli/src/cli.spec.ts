import { RegistryUnavailableError } from '@nestrpc/discovery';
import { RemoteError, SERVICE_METHOD_SEPARATOR, UnknownPatternError } from '@nestrpc/transport';
import { CliUsageError, EXIT_ETCD_UNREACHABLE, EXIT_FAILED, EXIT_USAGE } from './cli.error';
import { callSecurityOf, parseArgs, parseHeaders, parseTarget } from './commands/call.command';
import { etcdOptionsOf } from './etcd-flags';
import { age, errorJson, exitCodeOf, table } from './output';

const flags = { endpoints: 'http://a:2379, http://b:2379', namespace: 'prod', etcdTimeout: '3000' };

describe('nestrpc CLI helpers', () => {
  it('parses Service.method (a service name has no dot), args and headers', () => {
    expect(SERVICE_METHOD_SEPARATOR).toBe('.');
    expect(parseTarget('orders-v2.place')).toEqual({ service: 'orders-v2', method: 'place', pattern: 'orders-v2.place' });
    expect(parseTarget('orders.v2.place').service).toBe('orders');
    expect(() => parseTarget('HelloService')).toThrow(CliUsageError);
    expect(() => parseTarget('Hello.')).toThrow(CliUsageError);
    expect(parseArgs('["a", 1]')).toEqual(['a', 1]);
    expect(parseArgs('"solo"')).toEqual(['solo']);
    expect(() => parseArgs('{oops')).toThrow(/args-json is not JSON/);
    expect(parseHeaders([])).toBeUndefined();
    expect(parseHeaders(['x-nestrpc-tag=canary', 'x-eq=a=b'])).toEqual({ 'x-nestrpc-tag': 'canary', 'x-eq': 'a=b' });
    expect(() => parseHeaders(['novalue'])).toThrow(/key=value/);
  });

  it('turns --token and --rpc-* into client credentials and TLS, refusing half an mTLS pair', () => {
    expect(callSecurityOf({})).toEqual({});
    expect(callSecurityOf({ token: 't0k' })).toEqual({ credentials: 't0k' });
    expect(callSecurityOf({ rpcCacert: __filename, rpcCert: __filename, rpcKey: __filename }).tls).toMatchObject({ ca: expect.any(Buffer), cert: expect.any(Buffer), key: expect.any(Buffer) });
    expect(() => callSecurityOf({ rpcCacert: __filename, rpcCert: __filename })).toThrow(/go together/);
    expect(() => callSecurityOf({ rpcKey: __filename })).toThrow(/need --rpc-cacert/);
    expect(() => callSecurityOf({ rpcCacert: '/does/not/exist.pem' })).toThrow(/--rpc-cacert: cannot read/);
  });

  it('builds the apps’ etcd options from flags, refusing bad ones', () => {
    expect(etcdOptionsOf({ ...flags, user: 'root:s3:cr3t' })).toMatchObject({ hosts: ['http://a:2379', 'http://b:2379'], namespace: 'prod', callTimeoutMs: 3000, auth: { username: 'root', password: 's3:cr3t' } });
    expect(() => etcdOptionsOf({ ...flags, endpoints: ' , ' })).toThrow(/at least one etcd URL/);
    expect(() => etcdOptionsOf({ ...flags, etcdTimeout: 'soon' })).toThrow(/--etcd-timeout/);
    expect(() => etcdOptionsOf({ ...flags, user: 'nopassword' })).toThrow(/name:password/);
    expect(() => etcdOptionsOf({ ...flags, cert: '/x.pem' })).toThrow(/need --cacert/);
    expect(() => etcdOptionsOf({ ...flags, cacert: '/does/not/exist.pem' })).toThrow(/cannot read/);
  });

  it('prints typed errors with their code and maps them to exit codes', () => {
    expect(errorJson(new UnknownPatternError('A.b'))).toMatchObject({ name: 'UnknownPatternError', code: 'UNKNOWN_PATTERN', retryable: false });
    expect(errorJson(new RemoteError({ code: 'OUT_OF_STOCK', message: 'none left', left: 0 }))).toMatchObject({ code: 'OUT_OF_STOCK', message: 'none left', details: { left: 0 } });
    expect(exitCodeOf(new RegistryUnavailableError(['http://x:1'], 'connect'))).toBe(EXIT_ETCD_UNREACHABLE);
    expect(exitCodeOf(new CliUsageError('bad'))).toBe(EXIT_USAGE);
    expect(exitCodeOf(new Error('boom'))).toBe(EXIT_FAILED);
  });

  it('formats tables and ages', () => {
    expect(table(['A', 'LONG'], [['xyz', '1']])).toBe('A    LONG\nxyz  1');
    expect([age(5_000), age(125_000), age(7_300_000), age(200_000_000)]).toEqual(['5s', '2m', '2h', '2d']);
  });
});

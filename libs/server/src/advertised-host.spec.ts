import { NetworkInterfaceInfo } from 'os';
import { advertisedHost, describeAdvertisedHost, resolveAdvertisedHost } from './advertised-host';

const mockInterfaces = jest.fn<NodeJS.Dict<NetworkInterfaceInfo[]>, []>();
jest.mock('os', () => ({ ...jest.requireActual('os'), networkInterfaces: () => mockInterfaces() }));

const nic = (address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;

describe('resolveAdvertisedHost', () => {
  beforeEach(() => {
    mockInterfaces.mockReturnValue({
      lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
      eth0: [nic('fe80::1', 'IPv6', false), nic('10.1.2.3', 'IPv4', false)],
      eth1: [nic('192.168.0.9', 'IPv4', false)],
    });
  });

  it('takes advertise.host over anything else, even when bound to one address', () => {
    expect(resolveAdvertisedHost('rpc.example.internal', '127.0.0.1')).toEqual({ host: 'rpc.example.internal', source: 'configured' });
    expect(mockInterfaces).not.toHaveBeenCalled();
  });

  it('advertises the bound host when it is a concrete address', () => {
    expect(resolveAdvertisedHost(undefined, '10.9.9.9')).toEqual({ host: '10.9.9.9', source: 'bound' });
    expect(resolveAdvertisedHost('', '127.0.0.1')).toEqual({ host: '127.0.0.1', source: 'bound' });
  });

  it.each(['0.0.0.0', '::', ''])('bound to all mockInterfaces (%j): the first external IPv4, skipping loopback and IPv6', (bound) => {
    expect(resolveAdvertisedHost(undefined, bound)).toEqual({ host: '10.1.2.3', source: 'interface', interfaceName: 'eth0' });
  });

  it('falls back to loopback when the machine has no external IPv4', () => {
    mockInterfaces.mockReturnValue({ lo: [nic('127.0.0.1', 'IPv4', true)], eth0: [nic('2001:db8::5', 'IPv6', false)], down: undefined });
    expect(resolveAdvertisedHost(undefined, '0.0.0.0')).toEqual({ host: '127.0.0.1', source: 'loopback' });
  });

  it('advertisedHost() is the host alone', () => {
    expect(advertisedHost(undefined, '0.0.0.0')).toBe('10.1.2.3');
    expect(advertisedHost('a.b', '0.0.0.0')).toBe('a.b');
  });
});

describe('describeAdvertisedHost', () => {
  const bound = { host: '0.0.0.0', port: 7100 };

  it('says where it listens, what it advertises and why, pointing at the option to change it', () => {
    const line = (source: Parameters<typeof describeAdvertisedHost>[0]) => describeAdvertisedHost(source, bound, 7200);
    expect(line({ host: 'rpc.local', source: 'configured' })).toBe('RPC server listening on 0.0.0.0:7100, advertised to consumers as rpc.local:7200 (advertise.host)');
    expect(line({ host: '10.0.0.1', source: 'bound' })).toMatch(/as 10\.0\.0\.1:7200 \(the bound host; set listen\.host and advertise\.host/);
    expect(line({ host: '10.1.2.3', source: 'interface', interfaceName: 'eth0' })).toMatch(/as 10\.1\.2\.3:7200 \(first external IPv4, of eth0, .*set advertise\.host to choose\)$/);
    expect(line({ host: '127.0.0.1', source: 'loopback' })).toMatch(/as 127\.0\.0\.1:7200 \(no external IPv4 found; set advertise\.host/);
  });
});

import { InvalidInstanceError } from '../errors/invalid-instance.error';
import { InvalidServiceNameError } from '../errors/invalid-service-name.error';
import { instanceKey, namespacePrefix, parseInstanceKey, servicePrefix } from './key-layout';

describe('key layout', () => {
  it('builds /<namespace>/services/<service>/<version>/<instanceId>', () => {
    expect(namespacePrefix('nestrpc')).toBe('/nestrpc/services/');
    expect(servicePrefix('nestrpc', 'HelloService')).toBe('/nestrpc/services/HelloService/');
    expect(instanceKey('nestrpc', 'HelloService', '1.2.0', 'host-1-4000')).toBe('/nestrpc/services/HelloService/1.2.0/host-1-4000');
  });

  it('keeps one service prefix from matching another that starts with the same letters', () => {
    expect(instanceKey('ns', 'Hello2', '1.0.0', 'a').startsWith(servicePrefix('ns', 'Hello'))).toBe(false);
  });

  it('refuses segments that would break the layout', () => {
    expect(() => instanceKey('ns', 'a/b', '1.0.0', 'x')).toThrow(InvalidServiceNameError);
    expect(() => instanceKey('ns', 'Svc', '1.0.0', 'x/y')).toThrow(InvalidInstanceError);
  });

  it('parses keys back, and rejects foreign ones', () => {
    expect(parseInstanceKey('/nestrpc/services/Hello/1.2.0/i-1')).toEqual({ namespace: 'nestrpc', service: 'Hello', version: '1.2.0', id: 'i-1' });
    for (const key of ['/nestrpc/services/Hello/1.2.0', '/nestrpc/other/Hello/1.2.0/i', '/nestrpc/services/Hello/one/i', 'nestrpc/services/Hello/1.0.0/i/x']) {
      expect(parseInstanceKey(key)).toBeUndefined();
    }
  });
});

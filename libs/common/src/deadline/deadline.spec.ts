import { settleWithin, withDeadline } from './deadline';

describe('deadline helpers', () => {
  it('withDeadline passes results through and rejects late work with the given error', async () => {
    await expect(withDeadline(Promise.resolve(7), 50, () => new Error('late'))).resolves.toBe(7);
    await expect(withDeadline(new Promise(() => undefined), 20, () => new Error('late'))).rejects.toThrow('late');
    await expect(withDeadline(Promise.reject(new Error('own')), 50, () => new Error('late'))).rejects.toThrow('own');
  });

  it('settleWithin never rejects and reports a timeout', async () => {
    await expect(settleWithin(Promise.reject(new Error('x')), 50)).resolves.toBe('settled');
    await expect(settleWithin(new Promise(() => undefined), 20)).resolves.toBe('timeout');
  });
});

import { COUNT, interleavedMedians, interleavedMediansAsync, numberProblem } from '../../bench/tools/tool-args';

describe('cost tools: interleaved rounds', () => {
  it('measures every variant once per round, interleaved, drops the warm-up round and takes medians', () => {
    const order: string[] = [];
    const values: Record<string, number[]> = { a: [100, 1, 3, 2], b: [100, 10, 30, 20] };
    const medians = interleavedMedians(3, ['a', 'b'], (v) => {
      order.push(v);
      return { ns: values[v].shift()! };
    });
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(medians.get('a')).toEqual({ ns: 2 });
    expect(medians.get('b')).toEqual({ ns: 20 });
  });

  it('the async form awaits each measurement before starting the next, with the same result', async () => {
    let running = 0;
    let overlapped = false;
    const values: Record<string, number[]> = { a: [100, 1, 3, 2], b: [100, 10, 30, 20] };
    const medians = await interleavedMediansAsync(3, ['a', 'b'], async (v) => {
      overlapped ||= running > 0;
      running++;
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return { ns: values[v].shift()!, other: 1 };
    });
    expect(overlapped).toBe(false);
    expect(medians.get('a')).toEqual({ ns: 2, other: 1 });
    expect(medians.get('b')).toEqual({ ns: 20, other: 1 });
  });
});

describe('cost tools: numeric options', () => {
  it('takes counts as whole numbers ≥ 1, seconds as numbers > 0, anything else as a number ≥ 0', () => {
    expect(numberProblem(3, COUNT)).toBeUndefined();
    expect(numberProblem(0, COUNT)).toBe('a whole number ≥ 1');
    expect(numberProblem(2.5, COUNT)).toBe('a whole number ≥ 1');
    expect(numberProblem(Number('x'), COUNT)).toBe('a whole number ≥ 1');
    expect(numberProblem(0.5, { positive: true })).toBeUndefined();
    expect(numberProblem(0, { positive: true })).toBe('a number > 0');
    expect(numberProblem(0)).toBeUndefined();
    expect(numberProblem(-1)).toBe('a number ≥ 0');
    expect(numberProblem(Infinity)).toBe('a number ≥ 0');
  });
});

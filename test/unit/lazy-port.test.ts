import { describe, expect, it } from 'vitest';
import { lazyPort } from '../../src/shared/lazy-port.js';

interface Counter {
  readonly kind: 'counter';
  readonly nested: { twice(n: number): Promise<number> };
  add(n: number): Promise<number>;
  close(): Promise<void>;
}

/** A counter adapter that records its loads and closes. */
function counterAdapter(failures = 0) {
  const log: string[] = [];
  let left = failures;
  const load = async (): Promise<Counter> => {
    log.push('load');
    if (left-- > 0) throw new Error('not yet');
    let total = 0;
    return {
      kind: 'counter',
      nested: { twice: (n) => Promise.resolve(2 * n) },
      add(n) {
        total += n;
        return Promise.resolve(total);
      },
      close: () => (log.push('close'), Promise.resolve()),
    };
  };
  return { load, log };
}

const spec = { known: { kind: 'counter' as const }, nested: ['nested' as const] };

describe('lazyPort', () => {
  it('loads on the first call only, knows its declared values before, and shares the loaded object', async () => {
    const a = counterAdapter();
    const port = lazyPort(a.load, spec);
    expect(port.kind).toBe('counter');
    expect(port.add).toBe(port.add);
    expect(port.opened()).toBe(false);
    expect(a.log).toEqual([]);
    expect(await Promise.all([port.add(1), port.add(2)])).toEqual([1, 3]);
    expect(await port.nested.twice(21)).toBe(42);
    expect(a.log).toEqual(['load']);
    expect(port.opened()).toBe(true);
  });

  it('is not a thenable: awaiting the port gives the port', async () => {
    const port = lazyPort(counterAdapter().load, spec);
    expect(await Promise.resolve(port)).toBe(port);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    const a = counterAdapter(1);
    const port = lazyPort(a.load, spec);
    await expect(port.add(1)).rejects.toThrow('not yet');
    expect(port.opened()).toBe(false);
    expect(await port.add(1)).toBe(1);
    expect(a.log).toEqual(['load', 'load']);
  });

  it('maps a failed load with loadError, but not a failing call', async () => {
    const port = lazyPort(
      async (): Promise<{ run(): Promise<void> }> => {
        await Promise.resolve();
        throw new Error('module missing');
      },
      { loadError: (cause) => new Error('unavailable', { cause }) },
    );
    await expect(port.run()).rejects.toMatchObject({
      message: 'unavailable',
      cause: { message: 'module missing' },
    });
    const failing = lazyPort(async () => ({ run: () => Promise.reject(new Error('its own')) }), {
      loadError: () => new Error('unavailable'),
    });
    await expect(failing.run()).rejects.toThrow('its own');
  });

  it('closes only what was loaded, once, and refuses calls afterwards', async () => {
    const never = counterAdapter();
    const idle = lazyPort(never.load, spec);
    await idle.close();
    expect(never.log).toEqual([]);

    const a = counterAdapter();
    const port = lazyPort(a.load, { ...spec, name: 'the counter' });
    await port.add(1);
    await Promise.all([port.close(), port.close()]);
    expect(a.log).toEqual(['load', 'close']);
    await expect(port.add(1)).rejects.toThrow('the counter is closed');
    await expect(port.nested.twice(1)).rejects.toThrow('the counter is closed');
  });

  it('closes a load still under way once it is done', async () => {
    const a = counterAdapter();
    const port = lazyPort(a.load, spec);
    const call = port.add(5);
    await port.close();
    expect(await call).toBe(5);
    expect(a.log).toEqual(['load', 'close']);
  });
});

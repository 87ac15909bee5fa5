/**
 * A port whose implementation is made on first use (a module loaded with `import()`, a connection
 * opened) and shared by every later call. Start-up, initialize and tools/list never pay for an
 * adapter they do not use. A failed load is forgotten, so a later call tries again (the database
 * came up, the network came back).
 *
 * The port is a Proxy: every member not given up front is an async method that awaits the loaded
 * object and calls the member of the same name on it. That is why a port's methods must all return
 * promises; whatever else it has (a `kind`, nested objects of methods such as `store.reader`) is
 * declared in the spec, and the types insist on it.
 */

type AsyncFn = (...args: never[]) => Promise<unknown>;

/** Members that forward to the loaded object on their own: async methods, and `close` (see below). */
type Forwarded<T, K extends keyof T> = K extends 'close' ? true : T[K] extends AsyncFn ? true : false;

/** Members whose value must be known before loading: anything that is not an async method. */
type EagerKey<T> = { [K in keyof T]-?: Forwarded<T, K> extends true ? never : K }[keyof T];

/** Members that are themselves objects of async methods, reached through the loaded object. */
export type NestedKey<T> = {
  [K in keyof T]-?: Forwarded<T, K> extends true
    ? never
    : T[K] extends (...args: never[]) => unknown
      ? never
      : T[K] extends object
        ? [{ [M in keyof T[K]]-?: T[K][M] extends AsyncFn ? never : M }[keyof T[K]]] extends [never]
          ? K
          : never
        : never;
}[keyof T];

export type LazyPortSpec<T, N extends NestedKey<T>> = {
  /** Objects of async methods on the loaded object (store.reader, store.outbox). */
  nested?: readonly N[];
  /** What the port is, for the error a call made after `close()` gets ("the store is closed"). */
  name?: string;
  /** The error callers get when loading fails (a call's own failure passes through untouched). */
  loadError?: (cause: unknown) => unknown;
} & KnownSpec<Pick<T, Exclude<EagerKey<T>, N>>>;

/** Values known without loading (the `kind` /readyz and the logs report): required when there are any. */
type KnownSpec<K> = [keyof K] extends [never] ? { known?: undefined } : { known: K };

export interface LazyHandle {
  /**
   * Closes the loaded object (its own `close`, when it has one) if it was loaded or is loading;
   * never loads it just to close it. Once: later calls to the port fail, later closes wait.
   */
  close(): Promise<void>;
  /** Whether a load succeeded. */
  opened(): boolean;
}

// Never forwarded: `then` would make the port look like a promise to `await`.
const NOT_FORWARDED = new Set<string>(['then']);

type Methods = Record<string, ((...args: unknown[]) => unknown) | undefined>;

export function lazyPort<T extends object, N extends NestedKey<T> = never>(
  load: () => Promise<T>,
  spec: LazyPortSpec<T, N>,
): T & LazyHandle {
  const name = spec.name ?? 'the adapter';
  let pending: Promise<T> | undefined;
  let loaded = false;
  let closing: Promise<void> | undefined;

  const get = (): Promise<T> => {
    if (closing) return Promise.reject(new Error(`${name} is closed`));
    return (pending ??= load().then(
      (value) => {
        loaded = true;
        return value;
      },
      (err: unknown) => {
        pending = undefined;
        throw spec.loadError ? spec.loadError(err) : err;
      },
    ));
  };

  /** Calls `key` on the loaded object, or on its member `path` (a nested port). */
  const caller =
    (path: string | undefined) =>
    async (key: string, args: unknown[]): Promise<unknown> => {
      const value = (await get()) as Record<string, unknown>;
      const target = (path === undefined ? value : value[path]) as Methods;
      const method = target[key];
      if (typeof method !== 'function') throw new TypeError(`${name} has no method ${key}`);
      return method.apply(target, args);
    };

  const own: Record<string, unknown> = { ...spec.known };
  for (const key of spec.nested ?? []) own[key as string] = forwarding({}, caller(key as string));
  own.opened = () => loaded;
  own.close = () =>
    (closing ??= (async () => {
      const value = (await pending?.catch(() => undefined)) as { close?: () => unknown } | undefined;
      if (typeof value?.close === 'function') await value.close();
    })());
  return forwarding(own, caller(undefined)) as T & LazyHandle;
}

/** An object with `own`'s members, whose every other string key is an async `call(key, args)`. */
function forwarding(own: object, call: (key: string, args: unknown[]) => Promise<unknown>): object {
  // One function per key, so `port.read === port.read` as on a plain object.
  const made = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(own, {
    get(target, key, receiver): unknown {
      if (typeof key === 'symbol' || key in target) return Reflect.get(target, key, receiver) as unknown;
      if (NOT_FORWARDED.has(key)) return undefined;
      let fn = made.get(key);
      if (!fn) made.set(key, (fn = (...args: unknown[]) => call(key, args)));
      return fn;
    },
  });
}

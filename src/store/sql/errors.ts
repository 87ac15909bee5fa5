/**
 * Wraps every method of `target` so that driver errors leave the store translated by `mapError`
 * (busy/unavailable to DomainError; anything else unchanged). The store's surface is all async,
 * so wrapping the returned promise covers every failure.
 */
export function withErrorMapping<T extends object>(target: T, mapError: (e: unknown) => unknown): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      return async (...args: unknown[]) => {
        try {
          return await method.apply(obj, args);
        } catch (e) {
          throw mapError(e);
        }
      };
    },
  });
}

/** The driver's error code (`SQLITE_BUSY`, SQLSTATE `55P03`, `ECONNREFUSED`), if any. */
export function errorCode(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code: unknown = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

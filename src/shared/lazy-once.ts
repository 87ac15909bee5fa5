/**
 * A value made on first use (a module loaded with `import()`, a connection opened), shared by every
 * later call. A failed attempt is forgotten, so a later call tries again (the database came up, the
 * network came back).
 */
export interface LazyOnce<T> {
  get: () => Promise<T>;
  /** The attempt under way or made, if any: for closing only what was opened. */
  started: () => Promise<T> | undefined;
}

export function lazyOnce<T>(make: () => Promise<T>): LazyOnce<T> {
  let pending: Promise<T> | undefined;
  return {
    get: () =>
      (pending ??= make().catch((err: unknown) => {
        pending = undefined;
        throw err;
      })),
    started: () => pending,
  };
}

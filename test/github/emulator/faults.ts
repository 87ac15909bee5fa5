/**
 * Faults armed by tests (or POST /_emulator/faults): the next `times` requests matching a method, a
 * path (exact, or a pattern) or an operation (REST operationId such as `issues/create`, or a GraphQL
 * operation or mutation name) fail in a chosen way.
 */
export type FaultKind =
  /** Answer `status` (default 502) without doing anything. */
  | 'error'
  /** Never answer: the client's timeout is what ends the request. */
  | 'hang'
  /** Answer GitHub's secondary-rate-limit 403 with `retry-after`. */
  | 'secondary-limit'
  /** Apply the write, then lose the answer: the connection is destroyed, or `status` is sent instead. */
  | 'lost-response';

export interface Fault {
  kind: FaultKind;
  method?: string;
  path?: string;
  /** A regular expression's source, for JSON callers. */
  pathPattern?: string | RegExp;
  operation?: string;
  status?: number;
  /** Seconds in the secondary-limit answer's `retry-after`. */
  retryAfter?: number;
  times?: number;
}

export interface FaultTarget {
  method: string;
  path: string;
  /** The REST operationId, or for GraphQL the operation name and every mutation field. */
  operations: string[];
}

export class Faults {
  private readonly armed: (Fault & { left: number })[] = [];

  add(fault: Fault): void {
    const kinds: FaultKind[] = ['error', 'hang', 'secondary-limit', 'lost-response'];
    if (!kinds.includes(fault.kind)) throw new Error(`unknown fault kind: ${String(fault.kind)}`);
    this.armed.push({ ...fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.armed.length = 0;
  }

  get pending(): Fault[] {
    return this.armed.map(({ left, ...f }) => ({ ...f, times: left }));
  }

  /** The first armed fault matching the request, used up by one. */
  take(t: FaultTarget): Fault | undefined {
    const i = this.armed.findIndex((f) => matches(f, t));
    if (i < 0) return undefined;
    const f = this.armed[i]!;
    if (--f.left <= 0) this.armed.splice(i, 1);
    return f;
  }
}

function matches(f: Fault, t: FaultTarget): boolean {
  if (f.method && f.method.toUpperCase() !== t.method) return false;
  if (f.path && f.path !== t.path) return false;
  if (f.pathPattern && !new RegExp(f.pathPattern).test(t.path)) return false;
  return !f.operation || t.operations.includes(f.operation);
}

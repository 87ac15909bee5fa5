/**
 * Keeps one page of a violation stream and the totals of all of it, so a report over a large
 * workspace holds at most `limit` violations in memory.
 */
import { atLeast, SEVERITIES, type Severity, type Violation } from './types.js';

export interface PageRequest {
  /** Violations below this severity are counted but not listed. */
  minSeverity: Severity;
  /** Listed violations to skip (from the previous page). */
  offset: number;
  limit: number;
}

export interface ViolationPage {
  compliant: boolean;
  /** Every violation by severity, whatever minSeverity says. */
  counts: Record<Severity, number>;
  /** Violations at or above minSeverity. */
  matched: number;
  violations: Violation[];
  /** Offset of the next page; null on the last one. */
  nextOffset: number | null;
}

export interface Collector {
  add(vs: readonly Violation[]): void;
  page(): ViolationPage;
}

export function createCollector(req: PageRequest): Collector {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const kept: Violation[] = [];
  let matched = 0;
  return {
    add(vs) {
      for (const v of vs) {
        counts[v.severity]++;
        if (!atLeast(v.severity, req.minSeverity)) continue;
        if (matched >= req.offset && matched < req.offset + req.limit) kept.push(v);
        matched++;
      }
    },
    page() {
      const end = req.offset + kept.length;
      return {
        compliant: counts.error === 0,
        counts: { ...counts },
        matched,
        violations: [...kept],
        nextOffset: end < matched ? end : null,
      };
    },
  };
}

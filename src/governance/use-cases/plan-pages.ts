/**
 * Pages of a spec's plan preview. A model's plan differs from call to call, so it cannot be paged by
 * asking again: it comes whole. Cursors exist for rule-based plans only and carry a hash of that
 * plan, so a page is never served from a different spec or options than the first.
 */
import { createHash } from 'node:crypto';
import type { PlanWithMeta } from '../decompose/model-plan.js';
import type { PlanItem, PlanLink, PlanWarning, SpecPlan } from '../decompose/types.js';
import { DomainError } from '../errors.js';
import type { ModelMethod } from '../ports/model.js';

/** Warnings are listed on the first page only, at most this many. */
export const MAX_PLAN_WARNINGS = 100;

const CURSOR_RE = /^(\d{1,7})\.([\w-]{10})$/;

/** Where a page starts, and the hash of the plan the cursor was issued for (absent: first page). */
export interface PlanCursor {
  offset: number;
  hash?: string;
  /** The method to plan by: a later page is always the rule-based plan its cursor came from. */
  method: ModelMethod;
}

export interface PlanPage {
  items: PlanItem[];
  /** The links that touch this page, so each page stands on its own. */
  links: PlanLink[];
  warnings: PlanWarning[];
  /** Index of the page's first item in the plan. */
  offset: number;
  total: number;
  nextCursor: string | null;
}

/** Identifies a plan by its ids and their parents: what a page's position depends on. */
export function planHash(plan: SpecPlan): string {
  const h = createHash('sha256');
  for (const i of plan.items) h.update(`${i.id}\u001f${i.parentId ?? ''}\u001e`);
  return h.digest('base64url').slice(0, 10);
}

export const encodePlanCursor = (offset: number, hash: string): string => `${offset}.${hash}`;

function badCursor(message: string, hint = 'Pass nextCursor from the previous page.'): DomainError {
  return new DomainError('INPUT.INVALID', message, hint);
}

/** Checked before anything is read or planned: a cursor that cannot be ours is refused first. */
export function openPlanCursor(cursor: string | undefined, method: ModelMethod): PlanCursor {
  if (cursor === undefined) return { offset: 0, method };
  const m = CURSOR_RE.exec(cursor);
  if (!m) throw badCursor('The cursor is not one this tool issued');
  if (method === 'sampling' || method === 'provider') {
    throw badCursor(
      `A plan by method "${method}" comes in one page: it has no cursor`,
      'Call again without cursor, or page with method "auto" or "heuristic".',
    );
  }
  return { offset: Number(m[1]), hash: m[2]!, method: 'heuristic' };
}

/** The page of `result` the cursor points at; a model's plan is one page, whatever `limit` says. */
export function planPage({ plan, generation }: PlanWithMeta, cursor: PlanCursor, limit: number): PlanPage {
  const byModel = generation.method !== 'heuristic';
  const hash = byModel ? '' : planHash(plan);
  if (cursor.hash !== undefined && hash !== cursor.hash) {
    throw badCursor(
      'The spec or options changed since the first page',
      'Start again without cursor, with the same text and options on every page.',
    );
  }
  const { offset } = cursor;
  const items = byModel ? plan.items : plan.items.slice(offset, offset + limit);
  const ids = new Set(items.map((i) => i.id));
  const end = offset + items.length;
  return {
    items,
    links: plan.links.filter((l) => ids.has(l.fromId) || ids.has(l.toId)),
    warnings: offset === 0 ? plan.warnings.slice(0, MAX_PLAN_WARNINGS) : [],
    offset,
    total: plan.items.length,
    nextCursor: !byModel && end < plan.items.length ? encodePlanCursor(end, hash) : null,
  };
}

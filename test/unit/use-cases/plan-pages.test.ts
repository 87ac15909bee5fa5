import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import type { PlanWithMeta } from '../../../src/governance/decompose/model-plan.js';
import { DomainError } from '../../../src/governance/errors.js';
import { heuristicGeneration } from '../../../src/governance/use-cases/model-json.js';
import {
  encodePlanCursor,
  MAX_PLAN_WARNINGS,
  openPlanCursor,
  planHash,
  planPage,
} from '../../../src/governance/use-cases/plan-pages.js';
import { rulePlan } from '../../../src/governance/use-cases/plan-spec.js';

const specOf = (areas: number, tasks: number) =>
  Array.from(
    { length: areas },
    (_, e) => `## Area ${e}\n\n${Array.from({ length: tasks }, (_, t) => `- Task ${e}.${t}`).join('\n')}\n`,
  ).join('\n');

const byRules = (text: string): PlanWithMeta => ({
  plan: rulePlan(text, '2027-02-10', DEFAULT_CONFIG),
  generation: heuristicGeneration('heuristic', 0.5),
});

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('plan pages', () => {
  const result = byRules(specOf(12, 5));

  it('walks a rule-based plan page by page, each item exactly once, cursors round-tripping', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = planPage(result, openPlanCursor(cursor, 'auto'), 25);
      expect(page.offset).toBe(seen.length);
      expect(page.total).toBe(result.plan.items.length);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    expect(seen).toEqual(result.plan.items.map((i) => i.id));
    expect(pages).toBe(Math.ceil(result.plan.items.length / 25));
  });

  it('a cursor names its offset and the plan it came from', () => {
    const page = planPage(result, openPlanCursor(undefined, 'heuristic'), 10);
    expect(page.nextCursor).toBe(encodePlanCursor(10, planHash(result.plan)));
    expect(openPlanCursor(page.nextCursor!, 'auto')).toEqual({
      offset: 10,
      hash: planHash(result.plan),
      method: 'heuristic',
    });
  });

  it('lists the links touching the page and warnings on the first page only', () => {
    const first = planPage(result, openPlanCursor(undefined, 'heuristic'), 10);
    const ids = new Set(first.items.map((i) => i.id));
    expect(first.links.every((l) => ids.has(l.fromId) || ids.has(l.toId))).toBe(true);
    expect(first.warnings).toEqual(result.plan.warnings.slice(0, MAX_PLAN_WARNINGS));
    const second = planPage(result, openPlanCursor(first.nextCursor!, 'heuristic'), 10);
    expect(second.warnings).toEqual([]);
  });

  it('refuses a cursor of another spec', () => {
    const first = planPage(result, openPlanCursor(undefined, 'heuristic'), 10);
    const other = byRules(specOf(12, 4));
    const err = refusal(() => planPage(other, openPlanCursor(first.nextCursor!, 'heuristic'), 10));
    expect(err.code).toBe('INPUT.INVALID');
    expect(err.message).toMatch(/changed since the first page/);
  });

  it.each([
    { name: 'tampered hash', cursor: (c: string) => `${c.slice(0, -1)}${c.endsWith('A') ? 'B' : 'A'}` },
    { name: 'moved offset with a forged hash', cursor: () => encodePlanCursor(10, 'x'.repeat(10)) },
  ])('refuses a $name', ({ cursor }) => {
    const first = planPage(result, openPlanCursor(undefined, 'heuristic'), 10);
    const err = refusal(() => planPage(result, openPlanCursor(cursor(first.nextCursor!), 'heuristic'), 10));
    expect(err.code).toBe('INPUT.INVALID');
  });

  it.each(['', 'abc', '10', '10.short', '-1.abcdefghij', '12345678.abcdefghij', '1.abcdefghij.x'])(
    'refuses the malformed cursor %j before anything is planned',
    (cursor) => {
      const err = refusal(() => openPlanCursor(cursor, 'heuristic'));
      expect(err.code).toBe('INPUT.INVALID');
      expect(err.message).toMatch(/not one this tool issued/);
    },
  );

  it.each(['sampling', 'provider'] as const)('refuses a cursor with method %s', (method) => {
    const err = refusal(() => openPlanCursor(`0.${'a'.repeat(10)}`, method));
    expect(err.message).toMatch(/comes in one page/);
  });

  it("serves a model's plan whole, with no cursor", () => {
    const byModel: PlanWithMeta = {
      plan: result.plan,
      generation: { ...heuristicGeneration('sampling', 0.9), method: 'sampling', model: 'm' },
    };
    const page = planPage(byModel, openPlanCursor(undefined, 'sampling'), 5);
    expect(page.items).toHaveLength(result.plan.items.length);
    expect(page.nextCursor).toBeNull();
  });

  it('hashes by ids and parents: the same plan twice, a different plan differently', () => {
    expect(planHash(byRules(specOf(3, 2)).plan)).toBe(planHash(byRules(specOf(3, 2)).plan));
    expect(planHash(byRules(specOf(3, 2)).plan)).not.toBe(planHash(byRules(specOf(3, 3)).plan));
    expect(planHash(result.plan)).toMatch(/^[\w-]{10}$/);
  });
});

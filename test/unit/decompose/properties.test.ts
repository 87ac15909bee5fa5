import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../../src/governance/errors.js';
import {
  coverage,
  decomposeSpec,
  diffPlans,
  type PlanItem,
  type SpecPlan,
} from '../../../src/governance/decompose/index.js';

const OPTIONS = { now: '2025-06-01', maxTasksPerFeature: 4 };
const decompose = (text: string): SpecPlan | null => {
  try {
    return decomposeSpec(text, OPTIONS);
  } catch (e) {
    if (isDomainError(e) && e.code === 'SPEC.EMPTY') return null;
    throw e;
  }
};

const word = fc.constantFrom(
  'login',
  'api',
  'test',
  'secure',
  'report',
  'must',
  'should',
  'small',
  'complex',
  'depends on',
  'after',
  'export',
  'user',
  'data',
  'P1',
  '(3d)',
  'Q3 2026',
  'criteria',
  'the',
  'page',
);
const phrase = fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' '));
const block = fc.oneof(
  phrase.map((p) => [p]),
  fc
    .tuple(
      fc.constantFrom('- ', '* ', '1. ', '- [ ] ', '- [x] ', '+ '),
      phrase,
      fc.array(phrase, { maxLength: 3 }),
    )
    .map(([m, p, subs]) => [m + p, ...subs.map((s) => `  - ${s}`)]),
  fc
    .array(phrase, { minLength: 1, maxLength: 3 })
    .map((ps) => ['Acceptance criteria:', ...ps.map((p) => `- ${p}`)]),
  phrase.map((p) => ['```', `# ${p}`, `- ${p}`, '```']),
  phrase.map((p) => [`#### ${p}`]),
  phrase.map((p) => ['#### Definition of done', `- ${p}`]),
  phrase.map((p) => [`Depends on: ${p}`]),
  fc.constant(['']),
  fc.constant(['', '---']), // after a blank: a rule; after a paragraph it would be a new epic (setext)
);
const blocks = fc.array(block, { maxLength: 6 }).map((bs) => bs.flat());
/** A feature (### heading) with a body; every epic has one with a task, so heading levels never change. */
const feature = fc
  .tuple(phrase, blocks, fc.boolean())
  .map(([t, body, withTask]) => [`### ${t}`, ...(withTask ? ['- a task'] : []), ...body]);
const epicBody = fc
  .tuple(blocks, phrase, fc.array(feature, { maxLength: 3 }))
  .map(([intro, first, fs]) => [...intro, `### ${first}`, '- first task', ...fs.flat()]);
/** Epics with distinct titles. */
const spec = fc
  .array(epicBody, { minLength: 2, maxLength: 4 })
  .map((bodies) => bodies.map((b, i) => [`## Epic ${i}`, ...b]));
const toText = (epics: string[][]) => `${epics.map((e) => e.join('\n')).join('\n\n')}\n`;

/** Markdown-ish noise: headings, bullets, fences, setext underlines, checkboxes, tabs. */
const noiseLine = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      '#',
      ' ',
      '-',
      '*',
      '`',
      '[',
      ']',
      'x',
      '1',
      '.',
      'a',
      'b',
      '=',
      '>',
      '~',
      '\t',
      ':',
    ),
    maxLength: 12,
  }),
  block.map((b) => b.join('\n')),
);
const noise = fc.array(noiseLine, { maxLength: 40 }).map((ls) => ls.join('\n'));

function epicTitleOf(plan: SpecPlan, item: PlanItem): string {
  const byId = new Map(plan.items.map((i) => [i.id, i]));
  let cur = item;
  while (cur.parentId !== null) cur = byId.get(cur.parentId)!;
  return cur.title;
}

describe('decomposeSpec properties', () => {
  it('covers every requirement line exactly once, with its text, on any input', () => {
    fc.assert(
      fc.property(fc.oneof(spec.map(toText), noise), (text) => {
        const plan = decompose(text);
        if (plan === null) return;
        const report = coverage(text, plan);
        expect(report).toMatchObject({
          ratio: 1,
          uncovered: [],
          overlapping: [],
          outsideParent: [],
          missingText: [],
        });
        expect(report.requirementLines).toBe(plan.stats.requirementLines);
      }),
      { numRuns: 400 },
    );
  });

  it('has no empty epic or feature, unique ids, and parents before children', () => {
    fc.assert(
      fc.property(fc.oneof(spec.map(toText), noise), (text) => {
        const plan = decompose(text);
        if (plan === null) return;
        const seen = new Set<string>();
        for (const it of plan.items) {
          expect(seen.has(it.id)).toBe(false);
          if (it.parentId !== null) expect(seen.has(it.parentId)).toBe(true);
          seen.add(it.id);
          const children = plan.items.filter((c) => c.parentId === it.id);
          if (it.type === 'epic') expect(children.length).toBeGreaterThan(0);
          if (it.type === 'feature') {
            expect(children.length > 0 || it.description.trim() !== '').toBe(true);
          }
          expect(children.every((c) => (it.type === 'epic' ? c.type === 'feature' : c.type === 'task'))).toBe(
            true,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.oneof(spec.map(toText), noise), (text) => {
        const a = decompose(text);
        expect(decompose(text)).toEqual(a);
        if (a) expect(diffPlans(a, a)).toMatchObject({ added: [], removed: [], changed: [], moved: [] });
      }),
      { numRuns: 200 },
    );
  });

  it('editing one epic section changes only that section’s items', () => {
    fc.assert(
      fc.property(spec, epicBody, fc.nat(), (epics, newBody, pick) => {
        const k = pick % epics.length;
        const edited = epics.map((e, i) => (i === k ? [e[0]!, ...newBody] : e));
        const before = decompose(toText(epics))!;
        const after = decompose(toText(edited))!;
        const d = diffPlans(before, after);
        const section = `Epic ${k}`;
        for (const it of d.removed) expect(epicTitleOf(before, it)).toBe(section);
        for (const it of d.added) expect(epicTitleOf(after, it)).toBe(section);
        for (const c of d.changed) expect(epicTitleOf(after, c.after)).toBe(section);
        for (const m of d.moved) {
          expect(
            epicTitleOf(
              after,
              after.items.find((i) => i.id === m.id)!,
            ),
          ).toBe(section);
        }
        // Untouched sections keep their items exactly, line numbers aside.
        const strip = (p: SpecPlan) =>
          p.items.filter((i) => epicTitleOf(p, i) !== section).map(({ source: _s, ...rest }) => rest);
        expect(strip(after)).toEqual(strip(before));
      }),
      { numRuns: 200 },
    );
  });
});

describe('diffPlans', () => {
  const p = (text: string) => decomposeSpec(text, { now: '2025-06-01' });
  const base = '## E\n### F\n- a\n- b\n### G\n- c\n';

  it.each([
    {
      name: 'added',
      text: '## E\n### F\n- a\n- b\n- new\n### G\n- c\n',
      added: ['new'],
      removed: [],
      changed: ['F', 'E'],
      moved: [],
    },
    {
      name: 'removed',
      text: '## E\n### F\n- a\n### G\n- c\n',
      added: [],
      removed: ['b'],
      changed: ['E', 'F'],
      moved: [],
    },
    {
      name: 'changed',
      text: '## E\n### F\n- a\n- b\n  with detail\n### G\n- c\n',
      added: [],
      removed: [],
      changed: ['b'],
      moved: [],
    },
    {
      name: 'retitled (new id)',
      text: '## E\n### F\n- a\n- b2\n### G\n- c\n',
      added: ['b2'],
      removed: ['b'],
      changed: [],
      moved: [],
    },
    {
      name: 'moved to another feature',
      text: '## E\n### F\n- a\n### G\n- c\n- b\n',
      added: [],
      removed: [],
      changed: ['F', 'G'],
      moved: ['b'],
    },
    {
      name: 'lines shifted only',
      text: '\n\nIntro line.\n\n## E\n### F\n- a\n- b\n### G\n- c\n',
      added: ['Specification', 'Specification'],
      removed: [],
      changed: [],
      moved: [],
    },
  ])('$name', ({ text, added, removed, changed, moved }) => {
    const before = p(base);
    const after = p(text);
    const d = diffPlans(before, after);
    const title = (id: string) =>
      (after.items.find((i) => i.id === id) ?? before.items.find((i) => i.id === id))!.title;
    expect(d.added.map((i) => i.title)).toEqual(added);
    expect(d.removed.map((i) => i.title)).toEqual(removed);
    expect(d.changed.map((c) => title(c.id)).sort()).toEqual([...changed].sort());
    expect(d.moved.map((m) => title(m.id))).toEqual(moved);
  });

  it('a renamed feature keeps its tasks as moves with their previous ids', () => {
    const before = p(base);
    const after = p('## E\n### F renamed\n- a\n- b\n### G\n- c\n');
    const d = diffPlans(before, after);
    expect(d.added.map((i) => i.title)).toEqual(['F renamed']);
    expect(d.removed.map((i) => i.title)).toEqual(['F']);
    expect(d.moved).toHaveLength(2);
    expect(d.moved.every((m) => m.previousId !== undefined && m.previousId !== m.id)).toBe(true);
  });

  it('reports link changes', () => {
    const d = diffPlans(
      p('## E\n### F\n- alpha\n- beta\n'),
      p('## E\n### F\n- alpha\n- beta (after alpha)\n'),
    );
    expect(d.linksAdded).toHaveLength(1);
    // A trailing `(…)` tag is not part of the id: the same task, changed (its actionable title, and
    // the source text its description keeps).
    expect(d.changed.map((c) => c.fields)).toEqual([['title', 'description']]);
    expect(d.linksRemoved).toHaveLength(0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  coverage,
  decomposeSpec,
  type PlanItem,
  type SpecPlan,
} from '../../../src/governance/decompose/index.js';

const NOW = { now: '2025-05-10' };
const plan = (text: string, extra = {}) => decomposeSpec(text, { ...NOW, ...extra });
const byTitle = (p: SpecPlan, title: string): PlanItem => {
  const it = p.items.find((i) => i.title === title);
  if (!it) throw new Error(`no item "${title}" in ${p.items.map((i) => i.title).join(', ')}`);
  return it;
};
/** The tree as `type:title` lines indented by depth. */
const outline = (p: SpecPlan): string[] =>
  p.items.map((it) => `${{ epic: '', feature: '  ', task: '    ' }[it.type]}${it.type}:${it.title}`);

describe('decomposeSpec: structure', () => {
  it.each([
    {
      name: 'H2 epics, H3 features under a document title; list items are tasks',
      spec: '# Doc\n\n## Auth\n\n### Login\n\n- Build form\n- Add API\n\n## Billing\n\n### Invoices\n\n1. Render PDF\n',
      outline: [
        'epic:Auth',
        '  feature:Login',
        '    task:Build form',
        '    task:Add API',
        'epic:Billing',
        '  feature:Invoices',
        '    task:Render PDF',
      ],
    },
    {
      name: 'a lone H1 over one level of H2s is the epic',
      spec: '# Login system\n\n## Email\n- a\n\n## OAuth\n- b\n',
      outline: ['epic:Login system', '  feature:Email', '    task:a', '  feature:OAuth', '    task:b'],
    },
    {
      name: 'checkboxes are tasks; nested bullets fold into the task',
      spec: '## E\n### F\n- [ ] one\n  - detail a\n  - detail b\n- [x] two\n',
      outline: ['epic:E', '  feature:F', '    task:one', '    task:two'],
    },
    {
      name: 'setext headings',
      spec: 'Epic A\n======\n\nFeature B\n---------\n\n* task c\n',
      outline: ['epic:Epic A', '  feature:Feature B', '    task:Implement task c'],
    },
    {
      name: 'plain text without headings: one epic and feature "Specification"',
      spec: 'The system exports reports.\n\n- export CSV\n- export PDF\n',
      outline: [
        'epic:Specification',
        '  feature:Specification',
        '    task:Export CSV',
        '    task:Export PDF',
      ],
    },
    {
      name: 'tasks directly under an epic go to a feature named after it',
      spec: '## Search\n\nIntro.\n\n- index docs\n\n### Ranking\n- tune\n',
      outline: [
        'epic:Search',
        '  feature:Search',
        '    task:Index docs',
        '  feature:Ranking',
        '    task:Tune',
      ],
    },
    {
      name: 'code fences are never parsed for headings or list items',
      spec: '## E\n### F\n- real\n\n```md\n## not an epic\n- not a task\n```\n',
      outline: ['epic:E', '  feature:F', '    task:real'],
    },
    {
      name: 'deeper headings fold into the feature; their list items stay its tasks',
      spec: '## E\n### F\n#### Backend\n- t1\n#### More\n- t2\n',
      outline: ['epic:E', '  feature:F', '    task:t1', '    task:t2'],
    },
    {
      name: 'empty headings are left out',
      spec: '## E\n### Empty\n### F\n- t\n## Nothing\n',
      outline: ['epic:E', '  feature:F', '    task:t'],
    },
  ])('$name', ({ spec, outline: expected }) => {
    const p = plan(spec);
    expect(outline(p)).toEqual(expected);
    expect(coverage(spec, p)).toMatchObject({
      ratio: 1,
      overlapping: [],
      outsideParent: [],
      missingText: [],
    });
  });

  it('cites 1-based inclusive source lines, children inside parents', () => {
    const p = plan('## E\n\n### F\n- t1\n  more\n- t2\n');
    expect(byTitle(p, 'E').source).toEqual({ startLine: 1, endLine: 6 });
    expect(byTitle(p, 'F').source).toEqual({ startLine: 3, endLine: 6 });
    expect(byTitle(p, 't1').source).toEqual({ startLine: 4, endLine: 5 });
    expect(byTitle(p, 't1').description).toBe('more');
  });

  it('the code of a fence is in the enclosing item description', () => {
    const p = plan('## E\n### F\nText.\n\n```\nconst x = 1;\n```\n');
    expect(byTitle(p, 'F').description).toContain('const x = 1;');
  });

  it('splits an oversized feature into parts, or flags it', () => {
    const spec = `## E\n### Big\n${Array.from({ length: 5 }, (_, i) => `- t${i}`).join('\n')}\n`;
    const split = plan(spec, { maxTasksPerFeature: 2 });
    expect(outline(split).filter((l) => l.includes('feature:'))).toEqual([
      '  feature:Big',
      '  feature:Big (part 2)',
      '  feature:Big (part 3)',
    ]);
    expect(split.warnings.map((w) => w.code)).toEqual(['FEATURE.SPLIT']);
    const flagged = plan(spec, { maxTasksPerFeature: 2, oversizedFeatures: 'flag' });
    expect(flagged.stats.features).toBe(1);
    expect(flagged.warnings.map((w) => w.code)).toEqual(['FEATURE.OVERSIZED']);
  });

  it('flags an epic with too many features', () => {
    const spec = `## E\n${['a', 'b', 'c'].map((f) => `### ${f}\n- t`).join('\n')}\n`;
    expect(plan(spec, { maxFeaturesPerEpic: 2 }).warnings.map((w) => w.code)).toEqual(['EPIC.OVERSIZED']);
  });
});

describe('decomposeSpec: acceptance criteria', () => {
  it.each([
    {
      name: 'a label line and its list attach to the feature',
      spec: '## E\n### F\n- t\n\nAcceptance criteria:\n- user logs in\n- errors are shown\n',
      item: 'F',
      criteria: ['user logs in', 'errors are shown'],
    },
    {
      name: 'bold label with inline text',
      spec: '## E\n### F\n- t\n\n**Success criteria:** p95 under 200 ms\n',
      item: 'F',
      criteria: ['p95 under 200 ms'],
    },
    {
      name: 'a heading below the feature attaches to the feature',
      spec: '## E\n### F\n- t\n#### Definition of done\n- reviewed\n- deployed\n',
      item: 'F',
      criteria: ['reviewed', 'deployed'],
    },
    {
      name: 'a heading at feature level attaches to the epic',
      spec: '## E\n### F\n- t\n### Acceptance criteria\n- the epic ships\n',
      item: 'E',
      criteria: ['the epic ships'],
    },
    {
      name: 'a sub-list under a task attaches to the task',
      spec: '## E\n### F\n- build it\n  - Acceptance criteria:\n    - it works\n- other\n',
      item: 'Build it',
      criteria: ['it works'],
    },
  ])('$name', ({ spec, item, criteria }) => {
    const p = plan(spec);
    const it = byTitle(p, item);
    expect(it.acceptanceCriteria).toEqual(criteria);
    expect(it.description).toContain('## Acceptance criteria');
    for (const c of criteria) expect(it.description).toContain(`- [ ] ${c}`);
    expect(p.items.filter((i) => i.type === 'task').map((t) => t.title)).not.toContain(criteria[0]);
    expect(coverage(spec, p).missingText).toEqual([]);
  });
});

describe('decomposeSpec: dependencies', () => {
  const spec = [
    '## Platform',
    '### Auth API',
    '- issue tokens',
    '### Dashboard',
    'Depends on: Auth API',
    '- render charts (blocked by issue tokens)',
    '- export (requires render charts)',
    '- share (after the export)',
    '- deploy (depends on Nonexistent thing)',
    '- print (requires some paper)',
  ].join('\n');
  const p = plan(spec);
  const link = (from: string, to: string) => ({
    fromId: byTitle(p, from).id,
    kind: 'depends_on',
    toId: byTitle(p, to).id,
  });

  it('turns depends on / blocked by / requires / after into links', () => {
    expect(p.links.map(({ sourceLine: _l, ...rest }) => rest)).toEqual([
      link('Dashboard', 'Auth API'),
      // Task titles are rewritten verb first; links still resolve on the source text.
      link('Render charts (blocked by issue tokens)', 'Issue tokens'),
      link('Export (requires render charts)', 'Render charts (blocked by issue tokens)'),
      link('Share (after the export)', 'Export (requires render charts)'),
    ]);
    expect(p.links[0]!.sourceLine).toBe(5);
  });

  it('reports an unresolved explicit dependency, ignores an unresolved "requires"', () => {
    expect(p.warnings).toEqual([{ code: 'DEPENDENCY.UNRESOLVED', message: expect.any(String), line: 9 }]);
  });
});

describe('decomposeSpec: priority, estimate, agent, milestone', () => {
  it.each([
    ['- Build login (Must have)', 'high', ['moscow:must']],
    ['- Build login (should)', 'medium', ['moscow:should']],
    ['- Build login (Could have)', 'low', ['moscow:could']],
    ["- Build login (Won't have)", 'low', ['moscow:wont']],
    ['- Build login (P0)', 'critical', []],
    ['- Build login, high priority', 'high', []],
    ['- Critical: build login', 'critical', []],
    ['- Build login', 'medium', []],
  ])('%s -> %s', (line, priority, labels) => {
    const task = plan(`## E\n### F\n${line}\n`).items[2]!;
    expect(task.priority).toBe(priority);
    expect(task.labels).toEqual(labels);
  });

  it('inherits priority from the feature and a Priority: line', () => {
    const p = plan('## E\nPriority: low\n### F (Must have)\n- a\n### G\n- b\n');
    expect(byTitle(p, 'E').priority).toBe('low');
    expect(byTitle(p, 'a').priority).toBe('high');
    expect(byTitle(p, 'b').priority).toBe('low');
  });

  it.each([
    ['- Fix typo (trivial)', 1],
    ['- Refactor store (complex)', 10],
    ['- Port module (moderate)', 5],
    ['- Plain task', 1],
    ['- Plain task\n  - a\n  - b\n  - c', 5],
    ['- Plain task\n  - a\n  - b\n  - c\n  - d\n  - e\n  - f', 10],
    ['- Anything (3d)', 3],
    ['- Anything, estimate: 2 weeks', 10],
  ])('%j -> %d days', (lines, days) => {
    expect(plan(`## E\n### F\n${lines}\n`).items[2]!.estimateDays).toBe(days);
  });

  it('sums task estimates into features and features into epics; size words on a feature apply to its tasks', () => {
    const p = plan('## E\n### F\n- a (3d)\n- b (2d)\n### G (large)\n- c\n');
    expect(byTitle(p, 'F').estimateDays).toBe(5);
    expect(byTitle(p, 'c').estimateDays).toBe(10);
    expect(byTitle(p, 'E').estimateDays).toBe(15);
  });

  it('uses the configured estimation rules', () => {
    const p = plan('## E\n### F\n- a (small)\n', {
      estimation: { simple: [2, 4], medium: [5, 6], complex: [7, 9] },
    });
    expect(byTitle(p, 'a (small)').estimateDays).toBe(2);
  });

  it.each([
    ['- Implement the endpoint', 'agent:dev'],
    ['- Write regression tests', 'agent:qa'],
    ['- Encrypt tokens at rest', 'agent:security'],
    ['- Document the roadmap for stakeholders', 'agent:pm'],
    ['- Tidy up', 'agent:dev'],
  ])('%s -> %s', (line, agent) => {
    expect(plan(`## E\n### F\n${line}\n`).items[2]!.agent).toBe(agent);
  });

  it('maps agents through the configured keywords and default', () => {
    const p = plan('## E\n### F\n- Translate strings\n- Tidy up\n### G\n- Clean up\n', {
      agents: { l10n: ['translat'] },
      defaultAgent: null,
    });
    expect(byTitle(p, 'Translate strings').agent).toBe('agent:l10n');
    // No keyword of its own: the feature's agent, from all its tasks' text.
    expect(byTitle(p, 'Tidy up').agent).toBe('agent:l10n');
    expect(byTitle(p, 'F').agent).toBe('agent:l10n');
    expect(byTitle(p, 'Clean up').agent).toBeNull();
    expect(byTitle(p, 'G').agent).toBeNull();
  });

  it.each([
    ['## User Onboarding\n- a\n', {}, 'Q2-2025-user-onboarding'],
    ['## Launch (Q4 2026)\n- a\n', {}, 'Q4-2026-launch'],
    ['## Launch\nTarget: 2026 Q1\n- a\n', {}, 'Q1-2026-launch'],
    ['## Launch\nMilestone: Public beta\n- a\n', {}, 'Public beta'],
    ['## Launch\n- a\n', { milestoneTemplate: '{year}/Q{quarter} {epic_name}' }, '2025/Q2 launch'],
  ])('%j -> milestone %s', (spec, extra, milestone) => {
    const p = plan(spec, extra);
    expect(p.items[0]!.milestone).toBe(milestone);
    expect(p.items.slice(1).every((i) => i.milestone === null)).toBe(true);
  });
});

describe('decomposeSpec: ids', () => {
  it('derives ids from the heading path and title, not line numbers', () => {
    const a = plan('## E\n### F\n- t\n');
    const b = plan('\n\nSome intro.\n\n## E\n\n### F\n\n- t (Must have)\n');
    const ids = (p: SpecPlan) =>
      Object.fromEntries(p.items.map((i) => [`${i.type}:${i.title.slice(0, 1)}`, i.id]));
    expect(ids(b)).toMatchObject(ids(a));
    expect(a.items.map((i) => i.id)).toEqual([
      expect.stringMatching(/^E-[a-z2-7]{10}$/),
      expect.stringMatching(/^F-[a-z2-7]{10}$/),
      expect.stringMatching(/^T-[a-z2-7]{10}$/),
    ]);
  });

  it('disambiguates duplicate titles deterministically', () => {
    const p = plan('## E\n### F\n- same\n- same\n- same\n');
    const ids = p.items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(plan('## E\n### F\n- same\n- same\n- same\n').items.map((i) => i.id)).toEqual(ids);
  });
});

/**
 * Priority, estimate and agent come from real markers and from the whole of an item's text, never
 * from a stray word in a sentence or a single word of a heading.
 */
import { describe, expect, it } from 'vitest';
import { decomposeSpec, type PlanItem, type SpecPlan } from '../../../src/governance/decompose/index.js';
import {
  detectEstimate,
  detectPhase,
  detectPriority,
  detectSize,
} from '../../../src/governance/decompose/signals.js';

const plan = (text: string, extra = {}) => decomposeSpec(text, { now: '2025-05-10', ...extra });
const byTitle = (p: SpecPlan, title: string): PlanItem => {
  // A generic heading may get its parent's name appended (`Must have (Accounts)`).
  const it = p.items.find((i) => i.title === title || i.title.startsWith(`${title} (`));
  if (!it) throw new Error(`no item "${title}" in ${p.items.map((i) => i.title).join(', ')}`);
  return it;
};
/** The one task of `## E / ### F / <lines>`. */
const task = (lines: string): PlanItem => plan(`## E\n### F\n${lines}\n`).items[2]!;

describe('priority markers', () => {
  it.each([
    // Prose mentioning a priority word is no marker.
    ['Color-coded priority (Critical=Red)', null, null],
    ['Keep the critical path short', null, null],
    ['Serve with high availability and low latency', null, null],
    ['Opens a P1 incident for the on-call', null, null],
    ['Users must have a verified email before posting', null, null],
    ['The API MUST reject payloads over 64 KB', null, null],
    // P0-P3 tokens.
    ['P0 Guest login with device id', 'critical', null],
    ['**P1**: cursor pagination', 'high', null],
    ['Build login (P0)', 'critical', null],
    ['[P2] Friends-only leaderboard', 'medium', null],
    ['Build login P3', 'low', null],
    ['User Story 1 - Publish a recipe (Priority: P1)', 'high', null],
    // Explicit priority markers.
    ['Build login [high]', 'high', null],
    ['Build login, priority: critical', 'critical', null],
    ['Build login, high-priority', 'high', null],
    ['Critical: build login', 'critical', null],
    ['**Priority**: low', 'low', null],
    // MoSCoW labels and headings.
    ['Must have', 'high', 'must'],
    ["Won't have (this season)", 'low', 'wont'],
    ['Won’t have', 'low', 'wont'],
    ['Nice to have', 'low', 'could'],
    ['Should', 'medium', 'should'],
    ['Must: build login', 'high', 'must'],
    ['Build login (Must)', 'high', 'must'],
    ['Build login [should have]', 'medium', 'should'],
    ['Build login - Could have', 'low', 'could'],
    ['P0 Build login (Must have)', 'critical', 'must'],
    ['Priority: Should', 'medium', 'should'],
  ])('%j -> %s / %s', (text, priority, moscow) => {
    const p = detectPriority(text);
    expect(p?.priority ?? null).toBe(priority);
    expect(p?.moscow ?? null).toBe(moscow);
  });

  it.each([
    ['Phase 1 — Schema and Dual-Write', 1],
    ['Phase 0: Outline & Research', 0],
    ['Phase 3+: Future Implementation', 3],
    ['Step 2: Feature pipeline', 2],
    ['Stage III', 3],
    ['Milestone 4: Gradebook', 4],
    ['Now', 1],
    ['Later (2027)', 3],
    ['Next steps', null],
    ['Phased rollout', null],
    ['Release notes', null],
  ])('phase ordinal of %j is %s', (title, ordinal) => {
    expect(detectPhase(title)).toBe(ordinal);
  });
});

describe('decomposeSpec: priority', () => {
  it.each([
    ['- Color-coded priority (Critical=Red)', 'medium'],
    ['- Make the critical path visible on the board', 'medium'],
    ['- Cache reads for low latency and high availability', 'medium'],
    ['- P1 Account linking: merge a guest account', 'high'],
    ['- [ ] P0 Guest login (3d)', 'critical'],
    ['- Build login\n  - Priority: High', 'high'],
    ['- Build login\n  **Priority**: low', 'low'],
    ['- Must: build login', 'high'],
  ])('%j -> %s', (lines, priority) => {
    expect(task(lines).priority).toBe(priority);
  });

  it('takes MoSCoW from the heading a feature or epic is under, children inheriting it', () => {
    const p = plan(
      '## Accounts\n### Must have\n- a\n- b (P0)\n### Should have\n- c\n### Could have\n- d\n' +
        '## Could have\n### Extras\n- f\n',
    );
    expect(['a', 'b (P0)', 'c', 'd', 'f'].map((t) => byTitle(p, t).priority)).toEqual([
      'high',
      'critical',
      'medium',
      'low',
      'low',
    ]);
    expect(byTitle(p, 'Must have').labels).toContain('moscow:must');
    expect(byTitle(p, 'Extras').priority).toBe('low');
  });

  it('ranks phase 1 high, phase 2 medium and later phases low when nothing else says', () => {
    const p = plan(
      '## Phase 1 — Foundations\n### Rosters\n- a\n## Phase 2 — Grading\n### Milestone 1: Gradebook\n- b\n' +
        '- c (P0)\n## Phase 3 — Insights\n### Dashboards\n- d\n## Phase 4 — Polish\n### Themes (Must have)\n- e\n',
    );
    expect(['a', 'b', 'c (P0)', 'd', 'e'].map((t) => byTitle(p, t).priority)).toEqual([
      'high',
      // A nested ordinal does not override the phase the feature is in.
      'medium',
      'critical',
      'low',
      'high',
    ]);
    expect(byTitle(p, 'Phase 1 — Foundations').priority).toBe('high');
    expect(byTitle(p, 'Phase 4 — Polish').priority).toBe('low');
  });

  it('ranks roadmap stages and steps when the epic says nothing', () => {
    const p = plan(
      '## Plan\n### Step 1: Logging\n- a\n### Step 2: Features\n- b\n### Step 3: Training\n- c\n',
    );
    expect(['a', 'b', 'c'].map((t) => byTitle(p, t).priority)).toEqual(['high', 'medium', 'low']);
    const q = plan('## Now\n### F\n- a\n## Next\n### G\n- b\n## Release 3\n### H\n- c\n');
    expect(['a', 'b', 'c'].map((t) => byTitle(q, t).priority)).toEqual(['high', 'medium', 'low']);
  });
});

describe('estimate markers', () => {
  it.each([
    ['Build login (3d)', 3],
    ['Build login (2-3 days)', 2.5],
    ['Build login [4h]', 0.5],
    ['Build login ~4h', 0.5],
    ['Build login ~ 2 days', 2],
    ['Build login, estimate: 2 weeks', 10],
    ['Estimate: 2 days', 2],
    ['Effort: 1 month', 20],
    ['Build login, 3 pts', 3],
    ['Build login (5 points)', 5],
    ['Build login - 8 SP', 8],
    ['Story points: 5', 5],
    // Numbers with time words in prose are not estimates.
    ['Retain audit logs for 30 days', null],
    ['Switch on the bucket (within 2 weeks of launch)', null],
    ['Award the winner 3 points', null],
    ['Storage grows (estimated 40 GB/year)', null],
  ])('%j -> %s days', (text, days) => {
    expect(detectEstimate(text)).toBe(days);
  });

  it.each([
    ['Size: L', 'complex'],
    ['**Size**: S', 'simple'],
    ['Complexity: high', 'complex'],
    ['Refactor store (complex)', 'complex'],
    ['Port module [M]', 'medium'],
    ['Complex tasks show as nested cards', null],
    ['A simple, small change to a large table', null],
    ['Notify the user(s) of the change', null],
  ])('%j -> size %s', (text, size) => {
    expect(detectSize(text)).toBe(size);
  });
});

describe('decomposeSpec: estimates', () => {
  it.each([
    // Size words in a sentence say nothing about the work.
    ['- Complex tasks show as nested cards', 1],
    ['- A simple form over a large, complex table', 1],
    // Markers on the line or in a field line of the task.
    ['- Build login (3d)', 3],
    ['- Build login\n  - Estimate: 2 days', 2],
    ['- Build login ~4h', 0.5],
    ['- Build login, 5 pts', 5],
    ['- Build login\n  - Size: L', 10],
    // The amount of work: nested items, criteria, code, text.
    ['- Plain task', 1],
    ['- Plain task\n  - a\n  - b\n  - c', 5],
    ['- Plain task\n  - a\n  - b\n  - c\n  - d\n  - e\n  - f', 10],
    ['- Plain task\n  Acceptance criteria:\n  - a\n  - b\n  - c\n  - d', 6.5],
    [`- Create the schema\n\n  \`\`\`sql\n${'  col int,\n'.repeat(36)}  \`\`\``, 5],
    [
      `- Write the importer\n  ${'It reads every row, maps the fields and reports what it skipped. '.repeat(10)}`,
      2.5,
    ],
  ])('%j -> %d days', (lines, days) => {
    expect(task(lines).estimateDays).toBe(days);
  });

  it('never lowers the estimate when a task gets more sub-items', () => {
    let last = 0;
    for (let n = 0; n <= 14; n++) {
      const days = task(`- Plain task${'\n  - sub item'.repeat(n)}`).estimateDays;
      expect(days).toBeGreaterThanOrEqual(last);
      last = days;
    }
    expect(last).toBe(20);
  });

  it('applies a feature size marker to its tasks, not a size word in its heading', () => {
    const p = plan('## E\n### Big bang import (L)\n- a\n### Complex reporting\n- b\n');
    expect(byTitle(p, 'a').estimateDays).toBe(10);
    expect(byTitle(p, 'b').estimateDays).toBe(1);
  });
});

describe('decomposeSpec: agents', () => {
  const FEATURE = (heading: string) =>
    `## Launch\n### Rollout ${heading}\n\nWe implement canary deploys and build dashboards for the new API.\n\n` +
    '- Implement the canary deploy switch\n- Build the rollback dashboard UI\n' +
    '  - chart error rates per region\n- Tidy up the runbooks\n- Write regression tests for the deploy API\n';
  const agents = (p: SpecPlan) => p.items.map((i) => [i.title.replace(/Plan|Strategy/, '…'), i.agent]);

  it('keeps every agent when one word of a feature heading changes', () => {
    const a = plan(FEATURE('Strategy'));
    const b = plan(FEATURE('Plan'));
    expect(agents(b)).toEqual(agents(a));
    expect(byTitle(b, 'Rollout Plan').agent).toBe('agent:dev');
    expect(byTitle(b, 'Tidy up the runbooks').agent).toBe('agent:dev');
    expect(byTitle(b, 'Write regression tests for the deploy API').agent).toBe('agent:qa');
  });

  it.each([
    // A keyword in the task's own title is enough.
    [
      '- Encrypt tokens at rest\n- Implement the API endpoint\n- Build the UI',
      'Encrypt tokens at rest',
      'agent:security',
    ],
    // One keyword deep in a description is not: the task follows its feature.
    [
      '- Export the report as CSV\n  - the columns a reviewer asked for\n  - unit tests\n- Implement the export API endpoint',
      'Export the report as CSV',
      'agent:dev',
    ],
    // No keyword at all: the feature's agent, from its tasks' text.
    ['- Write regression tests\n- Verify the fixes\n- Tidy up', 'Tidy up', 'agent:qa'],
  ])('%j: %s -> %s', (lines, title, agent) => {
    expect(byTitle(plan(`## E\n### F\n${lines}\n`), title).agent).toBe(agent);
  });

  it("takes a feature's agent from its own text and all its tasks, not its heading alone", () => {
    const p = plan(
      '## E\n### Security plan\n\nThe audit covers secrets and permissions.\n\n- Encrypt secrets\n- Audit permissions\n',
    );
    expect(byTitle(p, 'Security plan').agent).toBe('agent:security');
    expect(byTitle(p, 'E').agent).toBe('agent:security');
  });
});

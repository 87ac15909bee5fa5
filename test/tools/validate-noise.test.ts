/**
 * What validate_hierarchy reports right after apply_spec wrote a realistic spec: only findings a
 * person acts on. The server's own labels are never unknown, an item's drafted sections are one
 * finding, no (rule, item) pair repeats, a milestone the plan named is reported once, not per
 * item, and every finding says what to do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useSharedClient, ws, type Connected } from '../helpers/mcp.js';

const AS_OF = '2027-02-10';
const FIXTURES = ['prd-team-todo', 'infra-ledger-migration', 'roadmap-school-lms'] as const;
const spec = (name: string): string =>
  readFileSync(new URL(`../fixtures/specs/${name}.md`, import.meta.url), 'utf8');

interface Finding {
  severity: string;
  rule: string;
  itemId: string;
  message: string;
  fix: string;
}

async function findings(c: Connected, workspace: string): Promise<{ checked: number; all: Finding[] }> {
  const all: Finding[] = [];
  let cursor: string | undefined;
  let checked = 0;
  do {
    const r = await c.ok('validate_hierarchy', {
      workspace,
      source: { kind: 'stored' },
      limit: 200,
      ...(cursor && { cursor }),
    });
    checked = r.checked;
    all.push(...(r.violations as Finding[]));
    cursor = r.nextCursor ?? undefined;
  } while (cursor);
  return { checked, all };
}

const byRule = (fs: readonly Finding[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const f of fs) out[f.rule] = (out[f.rule] ?? 0) + 1;
  return out;
};

describe('validate_hierarchy after apply_spec', () => {
  const c = useSharedClient();

  it.each(FIXTURES)('reports only actionable findings for %s', async (name) => {
    await c().ok('apply_spec', { workspace: ws(), text: spec(name), asOf: AS_OF, dryRun: false });
    const { checked, all } = await findings(c(), ws());
    expect(checked).toBeGreaterThan(10);
    // Findings per item are what this suite measures: printed to stderr for comparison over time.
    // eslint-disable-next-line no-console
    console.error(
      `[validate-noise] ${name}: ${all.length} finding(s) over ${checked} item(s), ` +
        `${(all.length / checked).toFixed(2)} per item; by rule ${JSON.stringify(byRule(all))}`,
    );

    // Every label on a freshly applied plan was written by the server itself.
    expect(all.filter((f) => f.rule === 'labels.unknown')).toEqual([]);
    for (const f of all) expect(f.message).not.toMatch(/\b(?:spec|moscow|size):/);

    // Drafted sections: at most one finding per item, naming every section still to write.
    const drafts = all.filter((f) => f.rule.startsWith('sections.'));
    const perItem = new Map<string, number>();
    for (const f of drafts) perItem.set(f.itemId, (perItem.get(f.itemId) ?? 0) + 1);
    expect([...perItem.values()].filter((n) => n > 1)).toEqual([]);
    expect(drafts.length).toBeGreaterThan(0);
    for (const f of drafts) expect(f.message).toContain('draft');

    // No (rule, item) pair repeats.
    const pairs = all.map((f) => `${f.rule} ${f.itemId}`);
    expect(pairs.length - new Set(pairs).size).toBe(0);

    // A milestone the plan named and the apply did not create: once per milestone title.
    const named = all.filter((f) => f.rule === 'milestone.missing');
    const titles = named.map((f) => /"([^"]+)"/.exec(f.message)?.[1]);
    expect(titles.every((t) => t !== undefined)).toBe(true);
    expect(new Set(titles).size).toBe(titles.length);

    // Every finding names its item and a concrete action.
    for (const f of all) {
      expect(f.fix).toMatch(
        /\(\w+_\w+[ )]|\b(?:update_item|update_config|upsert_milestone|move_item|create_item)\b/,
      );
      expect(f.fix).toContain(f.itemId);
    }
  });

  const SHARED = `# Checkout

Milestone: Beta launch

## Payments

- Implement card payments API

# Accounts

Milestone: Beta launch

## Sign-up

- Build the sign-up form
`;

  it('reports a milestone two epics of a plan name once, and not at all when apply creates it', async () => {
    const check = async () =>
      (
        await c().ok('validate_hierarchy', {
          workspace: ws(),
          source: { kind: 'spec', text: SHARED, asOf: AS_OF },
          limit: 200,
        })
      ).violations.filter((f: Finding) => f.rule === 'milestone.missing') as Finding[];
    const [only, ...rest] = await check();
    expect(rest).toEqual([]);
    expect(only!.message).toMatch(/^Milestone "Beta launch" named by the plan for epic\(s\) E-\w+, E-\w+;/);
    expect(only!.fix).toMatch(/upsert_milestone.*milestones\.autoCreate/);
    await c().ok('update_config', {
      workspace: ws(),
      scope: 'repo',
      override: { milestones: { autoCreate: true } },
      reason: 'apply creates the milestones plans name',
    });
    expect(await check()).toEqual([]);
    await c().ok('apply_spec', { workspace: ws(), text: SHARED, asOf: AS_OF, dryRun: false });
    const { all } = await findings(c(), ws());
    expect(all.filter((f) => f.rule === 'milestone.missing')).toEqual([]);
    // "Beta launch" is off the naming pattern: one finding for the milestone, naming both epics.
    const naming = all.filter((f) => f.rule === 'milestone.naming');
    expect(naming.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Milestone M-1 "Beta launch" of epic\(s\) E-\w+, E-\w+ does not follow/),
    ]);
  });

  it('still reports a label a person added that the configuration does not define', async () => {
    await c().ok('apply_spec', { workspace: ws(), text: SHARED, asOf: AS_OF, dryRun: false });
    const task = (await c().ok('get_item_tree', { workspace: ws() })).items.find(
      (i: { type: string }) => i.type === 'task',
    );
    const { item } = await c().ok('get_item', { workspace: ws(), id: task.id });
    await c().ok('update_item', {
      workspace: ws(),
      id: item.id,
      expectedVersion: item.version,
      labels: [...item.labels, 'frontend', 'moscow:must'],
    });
    const unknown = (await findings(c(), ws())).all.filter((f) => f.rule === 'labels.unknown');
    expect(unknown.map((f) => [f.itemId, f.message])).toEqual([
      [item.id, `${item.id} has label(s) the configuration does not define: frontend`],
    ]);
  });
});

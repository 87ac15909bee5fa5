/**
 * A spec's plan follows the workspace's configuration before anything is written: generation
 * rules, agent capabilities and the milestone pattern drive the decomposer, and the templates give
 * titles, default labels and required sections.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { useSharedClient, ws } from '../helpers/mcp.js';

const SPEC = `# Checkout

## Payments

- Implement card payments API
- Write documentation for the payments API
`;
const AS_OF = '2027-02-10';

type Item = {
  id: string;
  type: string;
  title: string;
  labels: string[];
  description: string;
  agent: string | null;
  milestone?: string | null;
};

describe('spec plans governed by the workspace configuration', () => {
  const c = useSharedClient();
  const configure = (override: Record<string, unknown>) =>
    c().ok('update_config', { workspace: ws(), scope: 'repo', override, reason: 'test' });
  const preview = async (workspace?: string): Promise<Item[]> =>
    (await c().ok('decompose_spec', { text: SPEC, asOf: AS_OF, ...(workspace && { workspace }) })).items;

  it('writes titles by pattern, default labels and every required section', async () => {
    await c().ok('apply_spec', { workspace: ws(), text: SPEC, asOf: AS_OF, dryRun: false });
    const items: Item[] = (await c().ok('get_item_tree', { workspace: ws() })).items;
    expect(items.map((i) => i.title)).toEqual([
      'Epic: Checkout',
      'Feature: Payments',
      'Task: Implement card payments API',
      'Task: Write documentation for the payments API',
    ]);
    for (const i of items) {
      const { item } = await c().ok('get_item', { workspace: ws(), id: i.id });
      const template = DEFAULT_CONFIG.templates[i.type as 'epic' | 'feature' | 'task'];
      expect(item.labels).toEqual(expect.arrayContaining(template.defaultLabels));
      for (const section of template.requiredSections) expect(item.description).toContain(`## ${section}`);
    }
    const v = await c().ok('validate_hierarchy', { workspace: ws(), source: { kind: 'stored' }, limit: 200 });
    const rules = new Set(v.violations.map((x: { rule: string }) => x.rule));
    expect(rules.has('title.pattern')).toBe(false);
    expect(rules.has('labels.required')).toBe(false);
    // Sections the spec said nothing about are drafted, and still reported until someone writes them.
    expect(rules.has('sections.required')).toBe(true);
  });

  it('previews the governed plan only for a workspace, and follows its template changes', async () => {
    expect((await preview())[0]!.title).toBe('Checkout');
    expect((await preview(ws()))[0]!.title).toBe('Epic: Checkout');
    await configure({ templates: { task: { titlePattern: '[task] {name}', defaultLabels: [] } } });
    const tasks = (await preview(ws())).filter((i) => i.type === 'task');
    expect(tasks.map((t) => t.title)).toEqual([
      '[task] Implement card payments API',
      '[task] Write documentation for the payments API',
    ]);
    expect(tasks.every((t) => !t.labels.includes('type:task'))).toBe(true);
  });

  it('assigns agents by the configured capabilities, priority breaking ties', async () => {
    const before = await preview(ws());
    expect(before.find((i) => i.title.includes('documentation'))!.agent).not.toBe('agent:docs');
    await configure({
      agents: {
        'agent:docs': {
          capabilities: ['documentation'],
          specializations: ['reference guides'],
          assignmentPriority: 95,
          maxConcurrentTasks: 2,
          escalateAfterDaysOverdue: 2,
        },
      },
      labels: { agent: { 'agent:docs': { name: 'agent:docs', color: '5319e7', description: 'Docs' } } },
    });
    const after = await preview(ws());
    expect(after.find((i) => i.title.includes('documentation'))!.agent).toBe('agent:docs');
    expect(after.find((i) => i.title.includes('Implement'))!.agent).toBe('agent:dev');
  });

  it('names epic milestones by the configured pattern', async () => {
    expect((await preview(ws()))[0]!.milestone).toBe('Q1-2027-checkout');
    await configure({ milestones: { namingPattern: '{year}.{quarter} {epic_name}' } });
    expect((await preview(ws()))[0]!.milestone).toBe('2027.1 checkout');
  });
});

/**
 * A feature split in parts (over generation.maxTasksPerFeature) behaves like any feature when its
 * spec is edited: renaming its heading re-pairs its parts and tasks (nothing created, statuses
 * kept), and one task more rebalances the parts, none over the limit.
 */
import { describe, expect, it } from 'vitest';
import { useClient, WS } from '../helpers/mcp.js';

const AS_OF = '2027-02-10';
const spec = (heading: string, n: number) =>
  `# Shop\n\n## Catalogue\n\n### ${heading}\n\n${Array.from({ length: n }, (_, i) => `- Build product view ${i + 1}`).join('\n')}\n`;

interface Node {
  id: string;
  type: string;
  title: string;
  status: string;
  parentId: string | null;
}

describe('split features on re-apply', () => {
  const c = useClient();
  const apply = (text: string) => c().ok('apply_spec', { workspace: WS, text, asOf: AS_OF, dryRun: false });
  const tree = async (): Promise<Node[]> =>
    (await c().ok('get_item_tree', { workspace: WS, limit: 100 })).items;

  it('re-pairs the parts and tasks of a renamed split feature, keeping statuses', async () => {
    const first = await apply(spec('Product pages', 13));
    const before = await tree();
    const features = before.filter((i) => i.type === 'feature');
    expect(features).toHaveLength(2);
    const task = before.find((i) => i.type === 'task')!;
    await c().ok('set_item_status', { workspace: WS, id: task.id, status: 'in_progress' });

    const renamed = await apply(spec('Product detail pages', 13));
    expect(renamed.created).toEqual([]);
    const after = await tree();
    expect(after).toHaveLength(before.length);
    expect(after.find((i) => i.id === task.id)?.status).toBe('in_progress');
    expect(after.filter((i) => i.type === 'feature').map((f) => f.title)).toEqual([
      expect.stringContaining('Product detail pages'),
      expect.stringContaining('Product detail pages'),
    ]);
    expect(first.created.length).toBe(before.length);
  });

  it('rebalances the parts when a task is added, none over the limit', async () => {
    await apply(spec('Product pages', 19));
    await apply(spec('Product pages', 21));
    const items = await tree();
    const features = items.filter((i) => i.type === 'feature');
    const sizes = features.map((f) => items.filter((i) => i.parentId === f.id).length);
    expect(sizes.every((n) => n <= 10)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(21);
  });
});

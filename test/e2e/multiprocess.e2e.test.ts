import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOk, connectStdio, requireBuild, tempDir, type StdioServer } from '../helpers/spawn-server.js';

const WS = 'acme/shared';
const PROCESSES = 3;
const FEATURES_EACH = 15;

describe('several stdio server processes on one SQLite data directory', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let servers: StdioServer[] = [];

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    // Started together: they race to create and migrate the same fresh database.
    servers = await Promise.all(
      Array.from({ length: PROCESSES }, () => connectStdio({ env: { GF_DATA_DIR: data.dir } })),
    );
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await data?.cleanup();
  });

  it('loses no write and keeps one intact audit chain under concurrent writers', async () => {
    const created = await Promise.all(
      servers.map(async (s, p) => {
        const { item: epic } = await callOk(s.client, 'create_item', {
          workspace: WS,
          type: 'epic',
          title: `Epic of ${p}`,
        });
        const features = await Promise.all(
          Array.from({ length: FEATURES_EACH }, (_, i) =>
            callOk(s.client, 'create_item', {
              workspace: WS,
              type: 'feature',
              title: `Feature ${p}.${i}`,
              parentId: epic.id,
            }),
          ),
        );
        return { epicId: epic.id as string, featureIds: features.map((f) => f.item.id as string) };
      }),
    );

    const total = PROCESSES * (1 + FEATURES_EACH);
    const { items, nextCursor } = await callOk(servers[0]!.client, 'get_item_tree', {
      workspace: WS,
      limit: 100,
    });
    expect(nextCursor).toBeNull();
    expect(items).toHaveLength(total);
    const ids = items.map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(total);
    for (const { epicId, featureIds } of created) {
      expect(ids).toContain(epicId);
      for (const id of featureIds) {
        expect(items.find((i: { id: string }) => i.id === id)?.parentId).toBe(epicId);
      }
    }

    // One audit record per creation: new planning features leave their epic's progress and status as they were.
    const audit = await callOk(servers[1]!.client, 'verify_audit', { workspace: WS });
    expect(audit).toMatchObject({
      ok: true,
      checked: total,
      headSeq: total,
      firstBad: null,
      state: { mismatches: 0 },
    });
    for (const s of servers) expect(s.transportErrors).toEqual([]);
  });
});

/**
 * Property tests over every tool's input: arbitrary JSON, arbitrary objects, and near-valid inputs
 * built from the tool's own field names. Whatever object comes in, the answer is a result (never a
 * protocol error), an error carries a stable code that is not INTERNAL, and a refused call leaves
 * nothing behind. (`arguments` that are not an object get -32602 Invalid params before any tool code.)
 */
import fc from 'fast-check';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ERROR_CODES } from '../../src/governance/errors.js';
import { ITEM_TYPES, PRIORITIES, STATUSES } from '../../src/governance/model/work-item.js';
import { loadTools } from '../../src/mcp/registry.js';
import { toolCatalog } from '../../src/tools/catalog.js';
import {
  connectClient,
  driveTo,
  errorPayload,
  seedHierarchy,
  wire,
  WS,
  type BackendName,
  type Connected,
} from '../helpers/mcp.js';

const allTools = await loadTools(toolCatalog);

// FUZZ_RUNS=1000 FUZZ_BACKEND=postgres npx vitest run test/tools/fuzz.test.ts for a deeper run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const BACKEND: BackendName = process.env.FUZZ_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
const OTHER = 'acme/other';
const STABLE = new Set<string>(ERROR_CODES.filter((code) => code !== 'INTERNAL'));

const junk = fc.jsonValue({ maxDepth: 2 });
/** Text a schema should take: printable, not blank, short. */
const word = fc.stringMatching(/^[A-Za-z0-9][ -~]{0,24}$/);
const text = fc.oneof(
  word,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.constantFrom('', ' ', '  padded  ', '%', '_', '\\', "'; drop table items; --", 'ü€😀', 'x'.repeat(300)),
  fc.constantFrom('nul\u0000byte', 'lone \ud800 surrogate', '\udc00'),
);
const ID_POOL = ['E-1', 'F-2', 'F-6', 'T-3', 'T-4', 'T-5', 'T-7', 'T-9', 'T-99', 'M-1'] as const;
const int = fc.oneof(
  fc.integer({ min: -2, max: 12 }),
  fc.constantFrom(0, -0, 1.5, 2 ** 53, 1e300, -1e300),
  fc.double(),
);
const oneOrMany = <T>(values: readonly T[]) => fc.array(fc.constantFrom(...values), { maxLength: 4 });
const pad = (n: number) => String(n).padStart(8, '0');
const goodCursor = fc
  .array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 })
  .map((seqs) => Buffer.from(JSON.stringify({ p: seqs.map(pad).join('/') })).toString('base64url'));
const date = fc.date({
  min: new Date('1000-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59Z'),
  noInvalidDate: true,
});
const isoTime = fc.oneof(
  date.map((d) => d.toISOString()),
  fc.constantFrom(
    '2025-01-15T10:00:00+14:00',
    '2025-01-15T10:00:00-23:59',
    '0000-01-01T00:00:00+01:00',
    '9999-12-31T23:59:59.999-01:00',
    '2025-02-30T00:00:00Z',
    '2025-01-15',
    '2025-01-15T24:00:00Z',
  ),
  text,
);

interface Field {
  /** Values the schema accepts (mostly): they reach the use-cases and the store. */
  good: fc.Arbitrary<unknown>;
  /** Near misses: wrong enum members, bad formats, edge numbers, awkward text. */
  near: fc.Arbitrary<unknown>;
}
const f = (good: fc.Arbitrary<unknown>, near: fc.Arbitrary<unknown>): Field => ({ good, near });
const idField = f(fc.constantFrom(...ID_POOL), fc.oneof(text, fc.constantFrom('', 'e-1', 'T-3 ')));
const enumField = (values: readonly string[], miss: string) =>
  f(fc.constantFrom(...values), fc.constantFrom(miss, values[0]!.toUpperCase()));
const textField = f(word, text);
const intField = (min: number, max: number) => f(fc.integer({ min, max }), int);

/** Values per field name, shared by the tools that use the name. */
const FIELDS: Record<string, Field> = {
  workspace: f(
    fc.constantFrom(WS, WS, WS, OTHER),
    fc.oneof(fc.constantFrom('acme', 'acme/..', '-x/y', 'a/b/c', 'ACME/WEB'), text),
  ),
  id: idField,
  fromId: idField,
  toId: idField,
  rootId: idField,
  entityId: idField,
  parentId: idField,
  type: enumField(ITEM_TYPES, 'story'),
  types: f(oneOrMany(ITEM_TYPES), oneOrMany([...ITEM_TYPES, 'story'])),
  status: enumField(STATUSES, 'closed'),
  statuses: f(oneOrMany(STATUSES), oneOrMany([...STATUSES, 'closed'])),
  priority: enumField(PRIORITIES, 'urgent'),
  kind: enumField(['blocks', 'depends_on'], 'relates'),
  state: enumField(['open', 'closed'], 'archived'),
  entityType: enumField(['item', 'link', 'milestone', 'workspace', 'spec'], 'user'),
  title: textField,
  description: textField,
  reason: textField,
  agent: f(fc.oneof(fc.constantFrom('agent:dev', 'agent:qa'), word), text),
  action: f(fc.constantFrom('item.created', 'item.rolled_up', 'link.created'), text),
  actorId: f(fc.constantFrom('test:alice', 'agent:dev'), text),
  milestoneId: f(fc.constantFrom('M-1', 'M-2', 'M-9'), text),
  labels: f(fc.array(word, { maxLength: 4 }), fc.array(text, { maxLength: 22 })),
  estimateDays: f(fc.double({ min: 0, max: 365, noNaN: true }), int),
  expectedVersion: intField(1, 6),
  beforeSeq: intField(1, 40),
  limit: intField(1, 100),
  depth: intField(0, 5),
  dueOn: f(
    date.map((d) => d.toISOString().slice(0, 10)),
    fc.oneof(
      fc.constantFrom('2025-02-30', '2024-02-29', '0000-01-01', '2025-1-1', '2025-01-01T00:00:00Z'),
      text,
    ),
  ),
  since: f(
    date.map((d) => d.toISOString()),
    isoTime,
  ),
  until: f(
    date.map((d) => d.toISOString()),
    isoTime,
  ),
  cursor: f(
    goodCursor,
    fc.oneof(
      text,
      junk.map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
    ),
  ),
};

function nearValid(shape: Record<string, z.ZodType>): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(shape);
  const model = Object.fromEntries(
    names.map((n) => {
      const field = FIELDS[n] ?? f(junk, junk);
      // null is a good value where the field clears with null (update_item, move_item), a near miss elsewhere.
      const nullable = shape[n]!.safeParse(null).success;
      const good = nullable ? fc.oneof(field.good, fc.constant(null)) : field.good;
      const near = nullable ? field.near : fc.oneof(field.near, fc.constant(null));
      return [
        n,
        fc.oneof(
          { weight: 40, arbitrary: good },
          { weight: 3, arbitrary: near },
          { weight: 1, arbitrary: junk },
        ),
      ];
    }),
  );
  const required = names.filter((n) => !shape[n]!.safeParse(undefined).success);
  return fc
    .tuple(
      fc.record(model, { requiredKeys: required }),
      fc.option(fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 2 }), { freq: 4 }),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

async function snapshot(c: Connected, workspaces: string[]) {
  const r = c.store.reader;
  return Promise.all([
    r.listWorkspaces(1000),
    ...workspaces.map(async (w) => [
      await r.auditHead(w),
      await r.countItems(w),
      (await r.listLinks(w)).length,
      (await r.listMilestones(w)).map((m) => [m.id, m.version]),
    ]),
  ]);
}

describe.each(allTools.map((t) => ({ name: t.name, shape: t.input.shape })))(
  'fuzz $name',
  ({ name, shape }) => {
    let c: Connected;
    beforeAll(async () => {
      c = await connectClient({ backend: BACKEND });
      await seedHierarchy(c);
      await c.ok('upsert_milestone', { workspace: WS, title: 'v1' });
      await c.ok('link_items', { workspace: WS, fromId: 'T-3', kind: 'blocks', toId: 'T-7' });
      await driveTo(c, 'T-4', 'review');
      await c.ok('create_item', { workspace: OTHER, type: 'epic', title: 'Other' });
    });
    afterAll(async () => {
      await c?.close();
    });

    it(`answers ${RUNS} arbitrary inputs with a result or a stable error, and refusals change nothing`, async () => {
      const input = fc.oneof(
        { weight: 1, arbitrary: junk },
        { weight: 1, arbitrary: fc.object({ maxDepth: 2 }) },
        { weight: 6, arbitrary: nearValid(shape) },
      );
      await fc.assert(
        fc.asyncProperty(input, async (raw) => {
          const args = wire(raw);
          const workspaces = [WS, OTHER];
          if (
            isPlainObject(args) &&
            typeof args.workspace === 'string' &&
            !workspaces.includes(args.workspace)
          ) {
            workspaces.push(args.workspace);
          }
          const before = await snapshot(c, workspaces);
          let result: CallToolResult | undefined;
          let thrown: unknown;
          try {
            result = (await c.client.callTool({
              name,
              arguments: args as Record<string, unknown>,
            })) as CallToolResult;
          } catch (e) {
            thrown = e;
          }
          if (!isPlainObject(args)) {
            // MCP requires `arguments` to be an object: anything else is refused before the tool runs.
            expect(thrown).toBeInstanceOf(McpError);
            expect((thrown as McpError).code).toBe(ErrorCode.InvalidParams);
            expect(await snapshot(c, workspaces)).toEqual(before);
            return;
          }
          expect(thrown).toBeUndefined();
          if (result!.isError) {
            const payload = errorPayload(result!);
            expect(payload, JSON.stringify(result)).toBeDefined();
            expect(STABLE, `${payload!.code}: ${payload!.message}`).toContain(payload!.code);
            expect(payload!.hint.length).toBeGreaterThan(0);
            expect(await snapshot(c, workspaces)).toEqual(before);
          } else {
            expect(result!.structuredContent).toBeDefined();
          }
          expect(c.logger.entries.filter((e) => e.level === 'error')).toEqual([]);
        }),
        { numRuns: RUNS },
      );
      for (const w of [WS, OTHER]) {
        expect(await c.ok('verify_audit', { workspace: w })).toMatchObject({ ok: true, firstBad: null });
      }
    });
  },
);

/**
 * docs/tools.md agrees with what tools/list advertises: every input field of every tool has a row
 * whose type admits null exactly when the advertised schema does, with the same required flag,
 * description and enum values; the fields of each arm of a discriminated union have rows too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/mcp.js';
import { ALL_TOOLS } from '../helpers/tool-names.js';

type Schema = {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
};

const DOC = readFileSync(fileURLToPath(new URL('../../docs/tools.md', import.meta.url)), 'utf8');

/** The input table of a tool: field name -> its cells (Type, Required, Description, Constraints). */
function inputRows(tool: string): Map<string, string[]> {
  const section = DOC.split(`\n### ${tool}\n`)[1]?.split('**Output**')[0] ?? '';
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| `([^`]+)`/.exec(line);
    if (!m) continue;
    const cells = line.split(/(?<!\\)\|/).map((x) => x.trim().replace(/\\\|/g, '|'));
    rows.set(m[1]!, cells.slice(2, 6));
  }
  return rows;
}

const acceptsNull = (s: Schema): boolean =>
  s.type === 'null' ||
  (Array.isArray(s.type) && s.type.includes('null')) ||
  [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some(acceptsNull);

interface Field {
  name: string;
  s: Schema;
  required: boolean;
}

/** Top-level fields, plus `field.x` for the fields of each arm of a union of objects. */
function fields(schema: Schema): Field[] {
  const req = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([k, s]) => {
    const own = { name: k, s, required: req.has(k) };
    const arms = (s.oneOf ?? s.anyOf ?? []).filter((a) => a.properties);
    return [
      own,
      ...arms.flatMap((a) => fields({ ...a, required: [] }).map((f) => ({ ...f, name: `${k}.${f.name}` }))),
    ];
  });
}

describe('docs/tools.md against tools/list', () => {
  let tools: Tool[];
  beforeAll(async () => {
    const c = await connectClient();
    tools = (await c.client.listTools()).tools;
    await c.close();
  });

  it('documents every tool', () => {
    for (const name of ALL_TOOLS) expect(DOC, name).toContain(`\n### ${name}\n`);
  });

  it.each(ALL_TOOLS)('%s: every advertised input field has a matching row', (name) => {
    const tool = tools.find((t) => t.name === name)!;
    const rows = inputRows(name);
    for (const f of fields(tool.inputSchema)) {
      const row = rows.get(f.name);
      expect(row, `${name}.${f.name} has no row`).toBeDefined();
      const [type, required, description, constraints] = row!;
      expect(type!.includes('null'), `${name}.${f.name}: null in "${type}"`).toBe(acceptsNull(f.s));
      if (f.name.includes('.')) continue; // arm fields: required within their arm only
      expect(required, `${name}.${f.name} required`).toBe(f.required ? 'yes' : 'no');
      expect(description, `${name}.${f.name} description`).toBe(f.s.description ?? '');
      for (const v of f.s.enum ?? [])
        expect(constraints, `${name}.${f.name} enum`).toContain(`\`${String(v)}\``);
    }
  });

  it('shows move_item.parentId accepting null for the root, with its own description', () => {
    expect(inputRows('move_item').get('parentId')).toEqual([
      'string | null',
      'yes',
      'null: root',
      '1–40 chars',
    ]);
    const parentId = (tools.find((t) => t.name === 'move_item')!.inputSchema as Schema).properties!.parentId!;
    expect(parentId).toMatchObject({ type: ['string', 'null'], description: 'null: root' });
  });
});

/**
 * One JSON snapshot per tool (STYLE convention 9, as github-mcp-server's __toolsnaps__): the full
 * input and output schemas, annotations, and the exact tools/list entry. A missing snapshot is
 * written; a different one fails unless UPDATE_TOOLSNAPS=1, which rewrites it. Review the diff of
 * test/__toolsnaps__/ like an API change.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotationsOf, jsonSchemaOf, toolEntry } from '../../src/mcp/tool-schema.js';
import { loadTools } from '../../src/mcp/registry.js';
import { toolCatalog } from '../../src/tools/catalog.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

const allTools = await loadTools(toolCatalog);

const DIR = fileURLToPath(new URL('../__toolsnaps__/', import.meta.url));
const UPDATE = process.env.UPDATE_TOOLSNAPS === '1';
const SUFFIX = '.snap.json';

const render = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

describe('tool snapshots', () => {
  let c: Connected;
  let listed: Map<string, Tool>;
  beforeAll(async () => {
    c = await connectClient();
    listed = new Map((await c.client.listTools()).tools.map((t) => [t.name, t]));
    mkdirSync(DIR, { recursive: true });
  });
  afterAll(async () => {
    await c.close();
  });

  it.each(allTools.map((tool) => ({ name: tool.name, tool })))(
    '$name matches its snapshot',
    ({ name, tool }) => {
      const advertised = toolEntry(tool);
      // What a client receives is exactly the entry the snapshot records.
      expect(listed.get(name)).toEqual(advertised);
      const snap = {
        name,
        title: tool.title,
        description: tool.description,
        annotations: annotationsOf(tool),
        inputSchema: jsonSchemaOf(tool.input, 'input'),
        outputSchema: jsonSchemaOf(tool.output, 'output'),
        advertised,
      };
      const file = join(DIR, `${name}${SUFFIX}`);
      if (!existsSync(file) || UPDATE) {
        if (!existsSync(file) || render(JSON.parse(readFileSync(file, 'utf8'))) !== render(snap)) {
          writeFileSync(file, render(snap));
        }
        return;
      }
      const stored: unknown = JSON.parse(readFileSync(file, 'utf8'));
      expect(
        stored,
        `${name}: the tool surface changed; if intended, rerun with UPDATE_TOOLSNAPS=1 and commit the snapshot`,
      ).toEqual(JSON.parse(JSON.stringify(snap)));
    },
  );

  it('has no snapshot of a tool that no longer exists (renames keep an alias)', () => {
    const names = new Set(allTools.map((t) => `${t.name}${SUFFIX}`));
    const orphans = readdirSync(DIR).filter((f) => f.endsWith(SUFFIX) && !names.has(f));
    if (UPDATE) {
      for (const f of orphans) rmSync(join(DIR, f));
      return;
    }
    expect(orphans, 'snapshots without a tool; rerun with UPDATE_TOOLSNAPS=1 to delete them').toEqual([]);
  });
});

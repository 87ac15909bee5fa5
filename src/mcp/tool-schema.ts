import type { Tool, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import type { AnyTool } from './define-tool.js';

type JsonSchema = Record<string, unknown>;

/** Full JSON Schema of a zod schema, without the `$schema` line. Used for docs and snapshots. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

// tools/list is read by a model on every turn, so what it advertises is kept lean. The server still
// validates every input and output against the full zod schema and answers with the exact constraint
// that failed, so lengths, patterns and closed-object markers are left out of the advertised form.
const DROPPED_KEYS = new Set([
  'pattern',
  'minLength',
  'maxLength',
  'additionalProperties',
  'format',
  'minItems',
  'maxItems',
]);

function compact(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compact);
  if (node === null || typeof node !== 'object') return node;
  const alts = (node as JsonSchema).anyOf as JsonSchema[] | undefined;
  // `X | null` as a type list rather than anyOf: the same meaning in fewer bytes.
  if (alts?.length === 2 && alts[1]?.type === 'null' && typeof alts[0]?.type === 'string' && !alts[0].enum) {
    // The outer keys win: a `.describe()` on the nullable field is what docs/tools.md shows too.
    const { anyOf: _a, ...rest } = node as JsonSchema;
    return compact({ ...alts[0], ...rest, type: [alts[0].type, 'null'] });
  }
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROPPED_KEYS.has(k)) continue;
    if ((k === 'maximum' || k === 'minimum') && Math.abs(v as number) >= Number.MAX_SAFE_INTEGER) continue;
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as JsonSchema).map(([p, s]) => [p, compact(s)]))
        : compact(v);
  }
  return out;
}

/** The advertised input schema: types, enums, defaults, numeric bounds and descriptions. */
export function advertisedInput(tool: AnyTool): JsonSchema {
  return compact(jsonSchemaOf(tool.input, 'input')) as JsonSchema;
}

/**
 * The advertised output schema: the top-level fields and their JSON types. Nested entities (an item,
 * a milestone, an audit record) are documented once in docs/tools.md rather than repeated per tool.
 */
export function advertisedOutput(tool: AnyTool): JsonSchema {
  const full = jsonSchemaOf(tool.output, 'output');
  const props = (full.properties ?? {}) as Record<string, JsonSchema>;
  const shallow = (s: JsonSchema): JsonSchema => {
    if (s.enum) return { type: s.type, enum: s.enum };
    if (s.anyOf) return { anyOf: (s.anyOf as JsonSchema[]).map(shallow) };
    return { type: s.type ?? 'object' };
  };
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, shallow(v)])),
  };
}

/**
 * MCP annotations from the declared effect. Only hints that differ from the spec defaults
 * (readOnly false, destructive true, idempotent false, openWorld true) are sent.
 */
export function annotationsOf(tool: AnyTool): ToolAnnotations {
  const a: ToolAnnotations = {};
  if (tool.effect === 'read') a.readOnlyHint = true;
  if (tool.effect === 'write') a.destructiveHint = false;
  if (tool.effect !== 'read' && tool.idempotent) a.idempotentHint = true;
  if (!tool.openWorld) a.openWorldHint = false;
  return a;
}

const cache = new WeakMap<AnyTool, Tool>();

/** The tools/list entry of a tool, computed once per process. */
export function toolEntry(tool: AnyTool): Tool {
  let entry = cache.get(tool);
  if (!entry) {
    entry = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: advertisedInput(tool) as Tool['inputSchema'],
      outputSchema: advertisedOutput(tool) as Tool['outputSchema'],
      annotations: annotationsOf(tool),
      ...(tool.task && { execution: { taskSupport: 'optional' as const } }),
    };
    cache.set(tool, entry);
  }
  return entry;
}

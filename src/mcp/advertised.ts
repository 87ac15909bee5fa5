import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolSpec } from './registry.js';

// The bundled build defines this as the entries computed from these same definitions at build time
// (scripts/tool-entries.ts); elsewhere it is undefined. With it, tools/list converts no zod schema
// and loads no tool definition, and the converter itself (tool-schema.ts) stays off the start path.
declare const __GF_TOOL_ENTRIES__: Record<string, Tool> | undefined;
const prebuilt: Record<string, Tool> | undefined =
  typeof __GF_TOOL_ENTRIES__ === 'undefined' ? undefined : __GF_TOOL_ENTRIES__;

/** The entry tools/list shows for a catalogued tool: prebuilt in the bundle, else from its definition. */
export async function advertisedEntry(spec: ToolSpec): Promise<Tool> {
  const entry = prebuilt?.[spec.name];
  if (entry) return entry;
  const [{ toolEntry }, tool] = await Promise.all([import('./tool-schema.js'), spec.load()]);
  return toolEntry(tool);
}

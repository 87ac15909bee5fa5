import type { AnyTool } from './define-tool.js';
import { TOOLSETS, type ToolEffect, type Toolset } from './toolsets.js';

export interface ToolSelection {
  /** Drop every tool whose effect is not `read`. */
  readOnly?: boolean;
  /** Enabled toolsets; all when omitted. */
  toolsets?: readonly Toolset[];
}

/**
 * What the registry knows of a tool before loading it: enough to select it and to find its
 * prebuilt tools/list entry. The definition (zod schemas, handler) loads on first use.
 */
export interface ToolSpec {
  name: string;
  toolset: Toolset;
  effect: ToolEffect;
  /** Also runs as an MCP task (the definition has `task` hooks). */
  task?: 'optional';
  load(): Promise<AnyTool>;
}

/** The tools a configuration exposes, in catalog order. */
export function selectTools<T extends Pick<ToolSpec, 'toolset' | 'effect'>>(
  all: readonly T[],
  sel: ToolSelection = {},
): T[] {
  const sets = new Set<Toolset>(sel.toolsets ?? TOOLSETS);
  return all.filter((t) => sets.has(t.toolset) && (!sel.readOnly || t.effect === 'read'));
}

/** The definitions of `specs`, in their order (for the build, the docs and the tests; never at start-up). */
export function loadTools(specs: readonly ToolSpec[]): Promise<AnyTool[]> {
  return Promise.all(specs.map((s) => s.load()));
}

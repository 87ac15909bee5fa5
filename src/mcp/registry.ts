import type { AnyTool } from './define-tool.js';
import { TOOLSETS, type Toolset } from './toolsets.js';

export interface ToolSelection {
  /** Drop every tool whose effect is not `read`. */
  readOnly?: boolean;
  /** Enabled toolsets; all when omitted. */
  toolsets?: readonly Toolset[];
}

/** The tools a configuration exposes, in definition order. */
export function selectTools(all: readonly AnyTool[], sel: ToolSelection = {}): AnyTool[] {
  const sets = new Set<Toolset>(sel.toolsets ?? TOOLSETS);
  return all.filter((t) => sets.has(t.toolset) && (!sel.readOnly || t.effect === 'read'));
}

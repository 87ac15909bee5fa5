export const TOOLSETS = [
  'items',
  'milestones',
  'audit',
  'specs',
  'config',
  'github',
  'jobs',
  'agents',
  'compliance',
  'approvals',
  'analytics',
] as const;
export type Toolset = (typeof TOOLSETS)[number];

export const TOOL_EFFECTS = ['read', 'write', 'destructive'] as const;
export type ToolEffect = (typeof TOOL_EFFECTS)[number];

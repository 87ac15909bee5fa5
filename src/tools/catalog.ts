import type { ToolSpec } from '../mcp/registry.js';

// Every tool, in the order tools/list shows them. Definitions load on first use, so start-up pays
// for no tool's zod schemas; test/tools/tool-list.test.ts checks this list against the definitions.
export const toolCatalog: readonly ToolSpec[] = [
  {
    name: 'create_item',
    toolset: 'items',
    effect: 'write',
    load: async () => (await import('./items/create-item.js')).createItemTool,
  },
  {
    name: 'get_item',
    toolset: 'items',
    effect: 'read',
    load: async () => (await import('./items/get-item.js')).getItemTool,
  },
  {
    name: 'update_item',
    toolset: 'items',
    effect: 'write',
    load: async () => (await import('./items/update-item.js')).updateItemTool,
  },
  {
    name: 'move_item',
    toolset: 'items',
    effect: 'write',
    load: async () => (await import('./items/move-item.js')).moveItemTool,
  },
  {
    name: 'set_item_status',
    toolset: 'items',
    effect: 'write',
    load: async () => (await import('./items/set-item-status.js')).setItemStatusTool,
  },
  {
    name: 'link_items',
    toolset: 'items',
    effect: 'write',
    load: async () => (await import('./items/link-items.js')).linkItemsTool,
  },
  {
    name: 'unlink_items',
    toolset: 'items',
    effect: 'destructive',
    load: async () => (await import('./items/unlink-items.js')).unlinkItemsTool,
  },
  {
    name: 'get_item_tree',
    toolset: 'items',
    effect: 'read',
    load: async () => (await import('./items/get-item-tree.js')).getItemTreeTool,
  },
  {
    name: 'list_workspaces',
    toolset: 'items',
    effect: 'read',
    load: async () => (await import('./workspaces/list-workspaces.js')).listWorkspacesTool,
  },
  {
    name: 'enhance_item',
    toolset: 'items',
    effect: 'read',
    load: async () => (await import('./items/enhance-item.js')).enhanceItemTool,
  },
  {
    name: 'upsert_milestone',
    toolset: 'milestones',
    effect: 'write',
    load: async () => (await import('./milestones/upsert-milestone.js')).upsertMilestoneTool,
  },
  {
    name: 'list_milestones',
    toolset: 'milestones',
    effect: 'read',
    load: async () => (await import('./milestones/list-milestones.js')).listMilestonesTool,
  },
  {
    name: 'query_audit',
    toolset: 'audit',
    effect: 'read',
    load: async () => (await import('./audit/query-audit.js')).queryAuditTool,
  },
  {
    name: 'verify_audit',
    toolset: 'audit',
    effect: 'read',
    load: async () => (await import('./audit/verify-audit.js')).verifyAuditTool,
  },
  {
    name: 'export_audit',
    toolset: 'audit',
    effect: 'read',
    load: async () => (await import('./audit/export-audit.js')).exportAuditTool,
  },
  {
    name: 'checkpoint_audit',
    toolset: 'audit',
    effect: 'write',
    load: async () => (await import('./audit/checkpoint-audit.js')).checkpointAuditTool,
  },
  {
    name: 'decompose_spec',
    toolset: 'specs',
    effect: 'read',
    load: async () => (await import('./specs/decompose-spec.js')).decomposeSpecTool,
  },
  {
    name: 'diff_spec',
    toolset: 'specs',
    effect: 'read',
    load: async () => (await import('./specs/diff-spec.js')).diffSpecTool,
  },
  {
    name: 'apply_spec',
    toolset: 'specs',
    effect: 'write',
    load: async () => (await import('./specs/apply-spec.js')).applySpecTool,
  },
  {
    name: 'import_tasks',
    toolset: 'specs',
    effect: 'write',
    load: async () => (await import('./specs/import-tasks.js')).importTasksTool,
  },
  {
    name: 'validate_hierarchy',
    toolset: 'specs',
    effect: 'read',
    load: async () => (await import('./specs/validate-hierarchy.js')).validateHierarchyTool,
  },
  {
    name: 'validate_policy',
    toolset: 'config',
    effect: 'read',
    load: async () => (await import('./config/validate-policy.js')).validatePolicyTool,
  },
  {
    name: 'get_config',
    toolset: 'config',
    effect: 'read',
    load: async () => (await import('./config/get-config.js')).getConfigTool,
  },
  {
    name: 'update_config',
    toolset: 'config',
    effect: 'write',
    load: async () => (await import('./config/update-config.js')).updateConfigTool,
  },
  {
    name: 'sync_policy',
    toolset: 'config',
    effect: 'write',
    load: async () => (await import('./config/sync-policy.js')).syncPolicyTool,
  },
  {
    name: 'plan_github_sync',
    toolset: 'github',
    effect: 'read',
    load: async () => (await import('./github/plan-github-sync.js')).planGitHubSyncTool,
  },
  {
    name: 'apply_github_sync',
    toolset: 'github',
    effect: 'write',
    load: async () => (await import('./github/apply-github-sync.js')).applyGitHubSyncTool,
  },
];

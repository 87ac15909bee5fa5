import type { AnyTool } from '../mcp/define-tool.js';
import { queryAuditTool } from './audit/query-audit.js';
import { checkpointAuditTool } from './audit/checkpoint-audit.js';
import { exportAuditTool } from './audit/export-audit.js';
import { verifyAuditTool } from './audit/verify-audit.js';
import { createItemTool } from './items/create-item.js';
import { getItemTreeTool } from './items/get-item-tree.js';
import { enhanceItemTool } from './items/enhance-item.js';
import { getItemTool } from './items/get-item.js';
import { linkItemsTool } from './items/link-items.js';
import { moveItemTool } from './items/move-item.js';
import { setItemStatusTool } from './items/set-item-status.js';
import { unlinkItemsTool } from './items/unlink-items.js';
import { updateItemTool } from './items/update-item.js';
import { listWorkspacesTool } from './workspaces/list-workspaces.js';
import { listMilestonesTool } from './milestones/list-milestones.js';
import { upsertMilestoneTool } from './milestones/upsert-milestone.js';
import { getConfigTool } from './config/get-config.js';
import { updateConfigTool } from './config/update-config.js';
import { syncPolicyTool } from './config/sync-policy.js';
import { validatePolicyTool } from './config/validate-policy.js';
import { decomposeSpecTool } from './specs/decompose-spec.js';
import { diffSpecTool } from './specs/diff-spec.js';
import { applySpecTool } from './specs/apply-spec.js';
import { importTasksTool } from './specs/import-tasks.js';
import { validateHierarchyTool } from './specs/validate-hierarchy.js';

/** Every tool, in the order tools/list shows them. */
export const allTools: readonly AnyTool[] = [
  createItemTool,
  getItemTool,
  updateItemTool,
  moveItemTool,
  setItemStatusTool,
  linkItemsTool,
  unlinkItemsTool,
  getItemTreeTool,
  listWorkspacesTool,
  enhanceItemTool,
  upsertMilestoneTool,
  listMilestonesTool,
  queryAuditTool,
  verifyAuditTool,
  exportAuditTool,
  checkpointAuditTool,
  decomposeSpecTool,
  diffSpecTool,
  applySpecTool,
  importTasksTool,
  validateHierarchyTool,
  validatePolicyTool,
  getConfigTool,
  updateConfigTool,
  syncPolicyTool,
];

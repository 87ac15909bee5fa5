import type { ResourceDefinition } from '../mcp/define-resource.js';
import { agentsResource } from './agents.js';
import { auditLogResource } from './audit-log.js';
import { complianceResource } from './compliance.js';
import { configResource } from './config.js';
import { dashboardResource } from './dashboard.js';
import { githubSyncResource } from './github-sync.js';
import { hierarchyTreeResource } from './hierarchy-tree.js';
import { specResource } from './spec.js';
import { workItemResource } from './work-item.js';

export const allResources: readonly ResourceDefinition[] = [
  hierarchyTreeResource,
  workItemResource,
  auditLogResource,
  configResource,
  specResource,
  githubSyncResource,
  agentsResource,
  complianceResource,
  dashboardResource,
];

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { clientLogger } from './mcp/client-logger.js';
import type { Deps } from './mcp/deps.js';
import { registerPrompts } from './mcp/register-prompts.js';
import { registerResources } from './mcp/register-resources.js';
import { registerTools } from './mcp/register-tools.js';
import { selectTools, type ToolSelection } from './mcp/registry.js';
import { jobTaskStore } from './mcp/tasks.js';
import { allPrompts } from './prompts/index.js';
import { allResources } from './resources/index.js';
import { toolCatalog } from './tools/catalog.js';

export type ServerOptions = ToolSelection;

const INSTRUCTIONS =
  'Governs a GitHub repository (workspace "owner/repo") as epics -> features -> tasks. ' +
  "Changes are kept in this server's own store and are not on GitHub until a sync is run: " +
  'plan_github_sync shows what would be written to the repository (a dry run), and apply_github_sync ' +
  'writes that plan (issues, labels, milestones, sub-issues, blocked-by links) when GitHub access is configured. ' +
  'Every change is validated against the governance rules and recorded in a hash-chained audit trail. ' +
  'list_workspaces shows the workspaces that hold data. ' +
  'Errors carry a stable code and a hint; follow the hint.';

/** Assembles one MCP server over shared deps. Each stdio process or HTTP session gets its own. */
export function buildServer(deps: Deps, options: ServerOptions = {}): McpServer {
  const tools = selectTools(toolCatalog, options);
  // Tasks only where a selected tool runs as one; they are jobs in the store (src/mcp/tasks.ts).
  const tasks = tools.some((t) => t.task);
  const mcp = new McpServer(deps.serverInfo, {
    capabilities: {
      logging: {},
      ...(tasks && { tasks: { cancel: {}, requests: { tools: { call: {} } } } }),
    },
    instructions: INSTRUCTIONS,
    ...(tasks && { taskStore: jobTaskStore(deps, tools, deps.logger) }),
  });
  const log = clientLogger(deps.logger, mcp.server);
  registerTools(mcp, { tools, deps, log });
  const detach = registerResources(mcp, allResources, deps, log);
  registerPrompts(mcp, allPrompts, deps, log);
  const prevClose = mcp.server.onclose;
  mcp.server.onclose = () => {
    detach();
    prevClose?.();
  };
  return mcp;
}

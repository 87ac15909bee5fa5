import { DEFAULT_CONFIG } from '../config/defaults.js';
import type { GovernanceConfig } from '../config/schema.js';
import { DomainError, isDomainError } from '../errors.js';
import type { AgentRegistryReads } from '../ports/store-agents.js';
import type { ConfigDocReads } from '../ports/store-config-docs.js';
import { documentReader, type DocumentDeps } from './config-documents.js';
import { mergeDocs, readConfigDocs } from './config-effective.js';

/**
 * AGENT.UNKNOWN unless `agent` is one of the agent services of the workspace's effective
 * configuration or registered at run time (register_agent_service), read through `reader` (a write's own transaction, as hierarchyPolicy does).
 * Stored overrides that no longer combine into a valid configuration skip the check rather than
 * stop item writes.
 */
export async function assertKnownAgent(
  reader: ConfigDocReads & AgentRegistryReads,
  workspace: string,
  deps: DocumentDeps,
  agent: string | null | undefined,
  defaults: GovernanceConfig = DEFAULT_CONFIG,
): Promise<void> {
  if (agent === null || agent === undefined) return;
  let agents: string[];
  try {
    const docs = await readConfigDocs(documentReader(deps, reader), workspace);
    agents = Object.keys(mergeDocs(docs, defaults).config.agents);
  } catch (err) {
    if (isDomainError(err) && err.code === 'CONFIG.INVALID') return;
    throw err;
  }
  if (agents.includes(agent)) return;
  agents = [...new Set([...agents, ...(await reader.agentRegistrations(workspace)).map((r) => r.id)])];
  if (agents.includes(agent)) return;
  const prefixed = `agent:${agent}`;
  throw new DomainError(
    'AGENT.UNKNOWN',
    `"${agent.slice(0, 100)}" is not an agent service of ${workspace}`,
    (agents.includes(prefixed) ? `Did you mean "${prefixed}"? ` : '') +
      (agents.length
        ? `Use one of ${agents.join(', ')} (the workspace configuration's agents); update_config adds one.`
        : 'The workspace configuration has no agent services; update_config adds one.'),
    { agent, agents },
  );
}

import { assertWorkspace } from '../governance/model/workspace.js';
import { defineResource } from '../mcp/define-resource.js';
import { listPerWorkspace, workspaceCompletion } from './complete.js';
import { configUri, SCHEME, workspaceOf } from './uris.js';

/** `governance://{owner}/{repo}/config` of any repository of `owner`. */
const ofOwner = (owner: string) => (uri: string) =>
  uri.startsWith(`${SCHEME}://${owner}/`) &&
  uri.endsWith('/config') &&
  uri.split('/').length === 5; /* governance: '' owner repo config */

export const configResource = defineResource({
  name: 'config',
  title: 'Governance configuration',
  description:
    'Effective governance configuration of a workspace (defaults <- org override <- repo override).',
  uriTemplate: 'governance://{owner}/{repo}/config',
  list: listPerWorkspace(configUri, 'config', (w) => `Configuration of ${w}`),
  complete: workspaceCompletion,
  async read(deps, vars) {
    const workspace = assertWorkspace(workspaceOf(vars));
    const { config, versions } = await deps.config.effective(workspace);
    return { workspace, versions: { org: versions.org ?? null, repo: versions.repo ?? null }, config };
  },
  affected: (e) => {
    if (e.type !== 'config.updated') return [];
    const { scope, key } = e.payload as { scope?: unknown; key?: unknown };
    // An org override is merged into every repository of its owner, not only the one it came through.
    return scope === 'org' && typeof key === 'string' ? ofOwner(key) : [configUri(e.workspace)];
  },
});

import { assertSpecId, specNotFound } from '../governance/model/spec.js';
import { assertWorkspace, WORKSPACE_PATTERN } from '../governance/model/workspace.js';

import { defineResource } from '../mcp/define-resource.js';
import { workspaceCompletion } from './complete.js';
import { specUri, workspaceOf } from './uris.js';

/** Items shown per spec: a resource is read whole, and re-read on every notification. */
export const SPEC_RESOURCE_ITEMS = 200;
/** Specs listed by resources/list, over all workspaces. */
const LIST_CAP = 200;
const WORKSPACE_RE = new RegExp(WORKSPACE_PATTERN);

/** specUri percent-encodes the id (it may be in any script); the template match does not decode. */
function decodeSpecId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export const specResource = defineResource({
  name: 'spec',
  title: 'Stored spec',
  description:
    'Latest version of a spec applied with apply_spec: processing status per stage (analysis, ' +
    'specification, validation, github_generation), generation metadata, and the items it wrote ' +
    `(first ${SPEC_RESOURCE_ITEMS}, with source lines). The text is given by size and SHA-256 only.`,
  uriTemplate: 'governance://{owner}/{repo}/specs/{specId}',
  async list(deps) {
    const out: { uri: string; name: string; title: string }[] = [];
    for (const ws of await deps.store.reader.listWorkspaces(100)) {
      if (out.length >= LIST_CAP) break;
      for (const s of await deps.store.reader.listSpecs(ws, { limit: LIST_CAP - out.length })) {
        out.push({ uri: specUri(ws, s.specId), name: `${ws} spec ${s.specId}`, title: s.title });
      }
    }
    return out;
  },
  complete: {
    ...workspaceCompletion,
    specId: async (deps, value, args) => {
      const ws = `${args.owner ?? ''}/${args.repo ?? ''}`;
      if (!WORKSPACE_RE.test(ws)) return [];
      const specs = await deps.store.reader.listSpecs(ws, { prefix: value.toLowerCase(), limit: 50 });
      return specs.map((s) => s.specId);
    },
  },
  async read(deps, vars) {
    const workspace = assertWorkspace(workspaceOf(vars));
    const specId = assertSpecId(decodeSpecId(vars.specId ?? ''));
    const spec = await deps.store.reader.getSpec(workspace, specId);
    if (!spec) throw specNotFound(specId);
    return {
      workspace,
      specId,
      // Every version is kept, so the latest number is also how many there are.
      version: spec.version,
      title: spec.title,
      text: { bytes: spec.bytes, lines: spec.lines, sha256: spec.textHash },
      status: spec.status,
      generation: spec.generation,
      items: spec.items.slice(0, SPEC_RESOURCE_ITEMS).map((i) => ({
        id: i.id,
        planId: i.planId,
        type: i.type,
        title: i.title,
        source: { startLine: i.startLine, endLine: i.endLine },
      })),
      itemCount: spec.items.length,
      truncated: spec.items.length > SPEC_RESOURCE_ITEMS,
      createdAt: spec.createdAt,
      createdBy: spec.createdBy,
      updatedAt: spec.updatedAt,
      updatedBy: spec.updatedBy,
    };
  },
  affected: (e) =>
    (e.type === 'spec.applied' || e.type === 'spec.status_changed') && typeof e.payload.specId === 'string'
      ? [specUri(e.workspace, e.payload.specId)]
      : [],
});

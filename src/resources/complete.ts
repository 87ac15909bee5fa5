import type { Deps } from '../mcp/deps.js';

const LIMIT = 50;

async function workspaces(deps: Deps): Promise<string[]> {
  return deps.store.reader.listWorkspaces(500);
}

export const completeOwner = async (deps: Deps, value: string) =>
  [...new Set((await workspaces(deps)).map((w) => w.split('/')[0]!))]
    .filter((o) => o.startsWith(value))
    .slice(0, LIMIT);

export const completeRepo = async (deps: Deps, value: string, args: Record<string, string>) =>
  [
    ...new Set(
      (await workspaces(deps))
        .filter((w) => !args.owner || w.startsWith(`${args.owner}/`))
        .map((w) => w.split('/')[1]!),
    ),
  ]
    .filter((r) => r.startsWith(value))
    .slice(0, LIMIT);

export const workspaceCompletion = { owner: completeOwner, repo: completeRepo };

/** resources/list for a per-workspace resource: one entry per known workspace. */
export const listPerWorkspace =
  (uriOf: (ws: string) => string, kind: string, titleOf: (ws: string) => string) => async (deps: Deps) =>
    (await deps.store.reader.listWorkspaces(100)).map((w) => ({
      uri: uriOf(w),
      name: `${w} ${kind}`,
      title: titleOf(w),
    }));

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

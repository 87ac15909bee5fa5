import { WORKSPACE_PATTERN } from '../governance/model/workspace.js';
import type { Deps } from '../mcp/deps.js';

const LIMIT = 50;

const workspaces = (deps: Deps, owner?: string): Promise<string[]> =>
  deps.store.reader.listWorkspaces(500, owner);

export const completeOwner = async (deps: Deps, value: string) =>
  [...new Set((await workspaces(deps)).map((w) => w.split('/')[0]!))]
    .filter((o) => o.startsWith(value))
    .slice(0, LIMIT);

export const completeRepo = async (deps: Deps, value: string, args: Record<string, string>) =>
  [
    ...new Set(
      // The store filters by owner, so an owner's repositories complete however many workspaces exist.
      (await workspaces(deps, args.owner || undefined)).map((w) => w.split('/')[1]!),
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

/** The workspace the other arguments name, or undefined while they do not name a valid one yet. */
function workspaceArg(args: Record<string, string>): string | undefined {
  const ws = `${args.owner ?? ''}/${args.repo ?? ''}`;
  return new RegExp(WORKSPACE_PATTERN).test(ws) ? ws : undefined;
}

export const completeItemId = async (deps: Deps, value: string, args: Record<string, string>) => {
  const ws = workspaceArg(args);
  return ws ? deps.store.reader.searchItemIds(ws, value, LIMIT) : [];
};

/** Milestone ids and titles (case-insensitive prefix); either names the milestone. */
export const completeMilestone = async (deps: Deps, value: string, args: Record<string, string>) => {
  const ws = workspaceArg(args);
  if (!ws) return [];
  const v = value.toLowerCase();
  const milestones = await deps.store.reader.listMilestones(ws);
  return [...new Set(milestones.flatMap((m) => [m.title, m.id]))]
    .filter((s) => s.toLowerCase().startsWith(v))
    .slice(0, LIMIT);
};

/** ISO dates some days back from the server's clock, for "since" arguments. */
export const completeSinceDate = async (deps: Deps, value: string) => {
  const now = Date.parse(deps.clock.now());
  return [1, 7, 30, 90]
    .map((d) => new Date(now - d * 86_400_000).toISOString().slice(0, 10))
    .filter((d) => d.startsWith(value));
};

/** Agent services of the workspace's configuration; completes the last entry of a comma-separated list. */
export const completeAgents = async (deps: Deps, value: string, args: Record<string, string>) => {
  const ws = workspaceArg(args);
  if (!ws) return [];
  const cut = value.lastIndexOf(',') + 1;
  const [done, last] = [value.slice(0, cut), value.slice(cut).trimStart()];
  const taken = new Set(done.split(',').map((s) => s.trim()));
  const agents = Object.keys((await deps.config.effective(ws)).config.agents);
  return agents
    .filter((a) => a.startsWith(last) && !taken.has(a))
    .map((a) => done + a)
    .slice(0, LIMIT);
};

import * as z from 'zod';
import { reconcileGitHub } from '../../governance/use-cases/github-reconcile.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

const LISTED = 200;

export const reconcileGitHubSyncTool = defineTool({
  name: 'reconcile_github_sync',
  title: 'Reconcile GitHub sync',
  description:
    "Catches what webhooks missed: reads the repository in bulk and, for each mapped issue whose item has not changed here since the last sync, applies GitHub's state (closed, not planned, reopened), title and parent locally as audited drift. dryRun (default true) lists the differences only.",
  toolset: 'github',
  effect: 'write',
  idempotent: true,
  openWorld: true,
  input: z.object({
    workspace: s.workspace,
    dryRun: z.boolean().default(true).describe('true: list the differences, change nothing'),
  }),
  output: z.object({
    repository: z.string(),
    dryRun: z.boolean(),
    compared: z.number(),
    differences: z.array(
      z.object({
        itemId: z.string(),
        number: z.number(),
        field: z.enum(['state', 'title', 'parent']),
        local: z.string().nullable(),
        github: z.string().nullable(),
      }),
    ),
    pendingLocal: z
      .array(z.string())
      .describe('Items changed here since the last sync: for apply_github_sync to push'),
    missing: z.array(z.object({ itemId: z.string(), number: z.number() })),
    applied: z.number().describe('Changes applied locally, each audited as github.drift'),
  }),
  async handler(input, { deps, caller }) {
    const { config } = await deps.config.effective(input.workspace);
    const r = await reconcileGitHub(deps, caller, input.workspace, config, { dryRun: input.dryRun });
    return {
      data: {
        ...r,
        differences: r.differences.slice(0, LISTED),
        pendingLocal: r.pendingLocal.slice(0, LISTED),
        missing: r.missing.slice(0, LISTED),
        applied: r.applied.length,
      },
      summary:
        `${r.differences.length} difference(s) over ${r.compared} mapped issue(s) of ${r.repository}` +
        (input.dryRun ? ' (dry run: nothing changed)' : `; ${r.applied.length} change(s) applied as drift`) +
        (r.pendingLocal.length
          ? `; ${r.pendingLocal.length} item(s) changed here wait for the next sync`
          : ''),
      lines: r.differences.map(
        (d) =>
          `#${d.number} ${d.itemId} ${d.field}: ${d.local ?? '(none)'} here, ${d.github ?? '(none)'} on GitHub`,
      ),
    };
  },
});

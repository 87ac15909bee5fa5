import * as z from 'zod';
import { planGitHubSync } from '../../governance/use-cases/github-sync.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { planData, planOut } from './sync-out.js';

export const planGitHubSyncTool = defineTool({
  name: 'plan_github_sync',
  title: 'Plan GitHub sync',
  description:
    "Dry run: what syncing the workspace's hierarchy to its GitHub repository would write (issues, labels, " +
    'milestones, sub-issues, blocked-by links), the requests it spends and the time GitHub limits impose. Writes nothing.',
  toolset: 'github',
  effect: 'read',
  openWorld: true,
  input: z.object({ workspace: s.workspace }),
  output: planOut,
  async handler(input, { deps, caller }) {
    const { config } = await deps.config.effective(input.workspace);
    const p = await planGitHubSync(deps, input.workspace, config, caller);
    const data = planData(p);
    const c = data.counts;
    return {
      data,
      summary:
        data.problems.length > 0
          ? `Plan ${p.planId}: ${data.problems.length} GitHub limit problem(s); apply would write nothing`
          : `Plan ${p.planId} for ${data.repository}: ${c.issuesToCreate} issue(s) to create, ${c.issuesToUpdate} to update, ` +
            `${data.budget.contentCreating} write(s), at least ${data.budget.floorSeconds} s`,
      lines: [
        ...data.problems.map((x) => `problem ${x.limit} ${x.itemId ?? ''}: ${x.message}`),
        ...data.creates.map(
          (i) => `create ${i.itemId} ${i.title}${i.parentId ? ` (under ${i.parentId})` : ''}`,
        ),
        ...data.updates.map((u) => `update ${u.itemId} #${u.number}: ${u.fields.join(', ')}`),
      ],
    };
  },
});

import { listMilestones } from '../governance/use-cases/list-milestones.js';
import { treePage } from '../governance/use-cases/read-items.js';
import { definePrompt } from '../mcp/define-prompt.js';
import { treeUri } from '../resources/uris.js';
import { ask, jsonData, workspaceArgs, workspaceOf } from './render.js';

const TREE_CAP = 300;

export const statusReportPrompt = definePrompt({
  name: 'status_report',
  title: 'Status report',
  description: 'Write a delivery status report for a workspace from its hierarchy and milestones.',
  args: {
    ...workspaceArgs,
    audience: { description: 'Who reads it, e.g. "engineering leads"' },
  },
  async render(deps, args) {
    const workspace = workspaceOf(args);
    const page = await treePage(deps.store.reader, { workspace, limit: TREE_CAP });
    const milestones = await listMilestones(deps, workspace);
    const tree = page.items.map((i) => ({
      id: i.id,
      type: i.type,
      title: i.title,
      status: i.status,
      statusReason: i.statusReason,
      agent: i.agent,
      parentId: i.parentId,
      progress: i.progress,
      milestoneId: i.milestoneId,
    }));
    const data = { workspace, truncated: page.nextCursor !== null, items: tree, milestones };
    return [
      ask(
        `Write a status report for ${workspace}${args.audience ? ` for ${args.audience}` : ''}. ` +
          'Cover progress per epic (use the progress figures as given), what is blocked and why, ' +
          'milestones at risk (overdue or low completion), and the next three actions. ' +
          'Cite item ids. Do not invent items that are not in the data.',
      ),
      jsonData(treeUri(workspace), data),
    ];
  },
});

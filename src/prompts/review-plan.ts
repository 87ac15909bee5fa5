import { treePage } from '../governance/use-cases/read-items.js';
import { missingSections } from '../governance/compliance/sections.js';
import { childCounts, overLimit } from '../governance/use-cases/plan-review.js';
import { definePrompt } from '../mcp/define-prompt.js';
import { completeItemId } from '../resources/complete.js';
import { itemUri, treeUri } from '../resources/uris.js';
import {
  ask,
  cap,
  jsonData,
  optional,
  planningRules,
  truncationNote,
  workspaceArgs,
  workspaceOf,
} from './render.js';

export const REVIEW_ITEM_CAP = 300;
export const REVIEW_LINK_CAP = 300;

export const reviewPlanPrompt = definePrompt({
  name: 'review_plan',
  title: 'Review a plan',
  description:
    "Critically review a workspace's plan (or one subtree) against its policy: gaps, oversized work, missing acceptance criteria, dependency risks.",
  args: {
    ...workspaceArgs,
    rootId: { description: 'Review only this item and its subtree, e.g. E-1', complete: completeItemId },
  },
  async render(deps, args) {
    const workspace = workspaceOf(args);
    const rootId = optional(args.rootId);
    const page = await treePage(deps.store.reader, {
      workspace,
      ...(rootId && { rootId }),
      limit: REVIEW_ITEM_CAP,
    });
    const { config } = await deps.config.effective(workspace);
    const rules = planningRules(config);
    const ids = new Set(page.items.map((i) => i.id));
    const links = cap(
      (await deps.store.reader.listLinks(workspace))
        .filter((l) => ids.has(l.blockerId) || ids.has(l.blockedId))
        .map((l) => ({ blockerId: l.blockerId, blockedId: l.blockedId })),
      REVIEW_LINK_CAP,
    );
    const children = childCounts(page.items);
    const items = page.items.map((i) => ({
      id: i.id,
      type: i.type,
      title: i.title,
      status: i.status,
      priority: i.priority,
      agent: i.agent,
      estimateDays: i.estimateDays,
      milestoneId: i.milestoneId,
      parentId: i.parentId,
      children: children.get(i.id) ?? 0,
      missingSections: missingSections(i.description, rules.requiredSections[i.type]),
      version: i.version,
    }));
    const truncated = { items: { truncated: page.nextCursor !== null }, links };
    const text =
      `Review the plan of ${workspace}${rootId ? ` under ${rootId}` : ''} critically against its rules ` +
      `(at most ${rules.maxFeaturesPerEpic} features per epic and ${rules.maxTasksPerFeature} tasks per feature, ` +
      `estimates up to ${rules.estimationDays.complex.maxDays} days). Find: gaps (scope a parent implies that ` +
      'no child covers), oversized features and estimates (see overLimit), missing acceptance criteria and ' +
      'other required sections (see missingSections), and dependency risks (blocked items, long chains, ' +
      'links across epics, work depending on unstarted items). Cite item ids. For each finding give the fix ' +
      'as a tool call to make: update_item {workspace, id, expectedVersion, ...}, move_item {workspace, id, ' +
      'parentId, expectedVersion}, link_items {workspace, fromId, kind, toId}; use the versions in the data. ' +
      `List the calls for approval; do not make them.${truncationNote(truncated)}`;
    return [
      ask(text),
      jsonData(rootId ? itemUri(workspace, rootId) : treeUri(workspace), {
        workspace,
        rootId: rootId ?? null,
        rules,
        truncated: page.nextCursor !== null,
        items,
        overLimit: overLimit(page.items, children, rules),
        links: links.items,
        linksTruncated: links.truncated,
      }),
    ];
  },
});

import { definePrompt } from '../mcp/define-prompt.js';
import { configUri } from '../resources/uris.js';
import { ask, badArgument, jsonData, optional, planningRules, workspaceArgs, workspaceOf } from './render.js';

const tiers = (e: ReturnType<typeof planningRules>['estimationDays']) =>
  (['simple', 'medium', 'complex'] as const).map((t) => `${t} ${e[t].minDays}-${e[t].maxDays}`).join(', ');

export const decomposeSpecPrompt = definePrompt({
  name: 'decompose_spec',
  title: 'Decompose a spec',
  description:
    "Turn a spec into epics, features and tasks: preview, check against the workspace's rules, dry run, then apply.",
  args: {
    ...workspaceArgs,
    spec: {
      description: 'The spec text (Markdown or plain text)',
      required: true,
      // The same ceiling as the tools (1 MiB of UTF-8 is at most this many characters).
      maxLength: 1_048_576,
    },
    focus: { description: 'What to keep, e.g. "MVP only"' },
  },
  async render(deps, args) {
    const workspace = workspaceOf(args);
    const spec = args.spec ?? '';
    if (spec.trim() === '') {
      throw badArgument(
        'spec',
        'is empty',
        'Pass the spec text itself, e.g. "# Checkout\\n- Card payments".',
      );
    }
    const focus = optional(args.focus);
    const { config, versions } = await deps.config.effective(workspace);
    const rules = planningRules(config);
    const sections = Object.entries(rules.requiredSections)
      .map(([type, list]) => `${type}: ${list.length ? list.join(', ') : 'none'}`)
      .join('; ');
    const text = [
      `Turn the spec below into governed work in ${workspace}${focus ? `, keeping only: ${focus}` : ''}.`,
      `1. Call decompose_spec with {text, workspace: "${workspace}"} to preview the plan as this workspace's rules shape it; read its warnings.`,
      `   Call validate_hierarchy with {workspace: "${workspace}", source: {kind: "spec", text}} for the violations and their fixes.`,
      `2. Check it against the workspace rules: at most ${rules.maxFeaturesPerEpic} features per epic, ` +
        `at most ${rules.maxTasksPerFeature} tasks per feature, estimates in days by tier (${tiers(rules.estimationDays)}), ` +
        `required sections (${sections}). Where the plan breaks a rule${focus ? ' or the focus' : ''}, ` +
        'edit the spec text (split, trim, clarify) and preview again.',
      `3. Call apply_spec with {workspace: "${workspace}", text, dryRun: true} and review what it would create, update and link.`,
      '4. Only then call apply_spec with dryRun: false, and report the created item ids.',
      'Do not add requirements the spec does not state.',
    ].join('\n');
    return [
      ask(text),
      jsonData(configUri(workspace), {
        workspace,
        versions: { org: versions.org ?? null, repo: versions.repo ?? null },
        rules,
      }),
      ask(`Spec:\n\n${spec}`),
    ];
  },
});

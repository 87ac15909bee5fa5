import * as z from 'zod';
import { setupGitHubProject } from '../../governance/use-cases/github-project.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

export const setupGitHubProjectTool = defineTool({
  name: 'setup_github_project',
  title: 'Set up GitHub Project',
  description:
    "Sets up the workspace's GitHub Project (v2): makes one under the repository's owner (or adopts projectNumber), " +
    "adds the Priority, Estimate and Agent fields next to Status, and with issueTypes creates the organisation's " +
    'Epic, Feature and Task issue types where missing (admin token). The next apply_github_sync puts every managed ' +
    'issue on it with its values. dryRun (default true) lists what it would do.',
  toolset: 'github',
  effect: 'write',
  idempotent: true,
  openWorld: true,
  input: z.object({
    workspace: s.workspace,
    projectNumber: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Adopt this existing Project instead of making one'),
    owner: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/)
      .optional()
      .describe("Login owning projectNumber (default: the repository's owner)"),
    title: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Title of a Project made here (default "<repo> governance")'),
    issueTypes: z
      .boolean()
      .default(false)
      .describe("Create the organisation's Epic, Feature and Task issue types"),
    dryRun: z.boolean().default(true).describe('true: list what would be done, write nothing'),
  }),
  output: z.object({
    dryRun: z.boolean(),
    project: z
      .object({ number: z.number(), title: z.string(), url: z.string(), owner: z.string() })
      .nullable(),
    actions: z.array(z.string()).describe('What the setup did, or in a dry run would do, in order'),
    gaps: z.array(z.string()).describe('What the Project cannot show; left to a person'),
    requests: z.object({ reads: z.number(), writes: z.number() }),
  }),
  async handler(input, { deps, caller }) {
    const r = await setupGitHubProject(deps, caller, {
      workspace: input.workspace,
      dryRun: input.dryRun,
      issueTypes: input.issueTypes,
      ...(input.projectNumber !== undefined && { projectNumber: input.projectNumber }),
      ...(input.owner !== undefined && { owner: input.owner }),
      ...(input.title !== undefined && { title: input.title }),
    });
    const where = r.project
      ? `Project ${r.project.owner}#${r.project.number} (${r.project.url})`
      : 'a new Project';
    return {
      data: r,
      summary: input.dryRun
        ? `Dry run for ${where}: ${r.actions.length} action(s); pass dryRun: false to apply`
        : `${where} is set up for ${input.workspace}: ${r.actions.length} action(s), ${r.requests.writes} write(s)`,
      lines: [...r.actions, ...r.gaps.map((g) => `gap: ${g}`)],
    };
  },
});

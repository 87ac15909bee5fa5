import * as z from 'zod';
import { OVERRIDE_SCOPES } from '../../governance/config/override.js';
import type { GovernanceConfig } from '../../governance/config/schema.js';
import { defineTool } from '../../mcp/define-tool.js';
import { fields } from '../../mcp/text.js';
import * as s from '../schemas.js';

/** Top-level sections a caller may ask for alone (`version` is the schema's, always 1). */
export const CONFIG_SECTIONS = [
  'templates',
  'generation',
  'structure',
  'agents',
  'milestones',
  'compliance',
  'labels',
] as const satisfies readonly (keyof GovernanceConfig)[];

const storedOut = z
  .object({
    version: z.number(),
    updatedAt: z.string(),
    updatedBy: z.string(),
    override: z.record(z.string(), z.unknown()),
  })
  .nullable();

const pick = (doc: Record<string, unknown>, section: string | undefined): Record<string, unknown> =>
  section === undefined ? doc : section in doc ? { [section]: doc[section] } : {};

export const getConfigTool = defineTool({
  name: 'get_config',
  title: 'Get governance configuration',
  description:
    'Effective configuration of a workspace (defaults <- org override <- repo override) and the latest stored overrides.',
  toolset: 'config',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    section: z.enum(CONFIG_SECTIONS).optional().describe('Only this top-level section'),
  }),
  output: z.object({
    workspace: z.string(),
    config: z.record(z.string(), z.unknown()).describe('Effective configuration (or its one section)'),
    versions: z
      .object({ org: z.number().nullable(), repo: z.number().nullable() })
      .describe('Override versions merged into config'),
    overrides: z.object({ org: storedOut, repo: storedOut }).describe('Latest stored override per scope'),
  }),
  async handler(input, { deps }) {
    const [effective, ...pages] = await Promise.all([
      deps.config.effective(input.workspace),
      ...OVERRIDE_SCOPES.map((scope) => deps.config.history({ workspace: input.workspace, scope, limit: 1 })),
    ]);
    const [org, repo] = pages.map((p) => {
      const doc = p.versions[0];
      if (!doc) return null;
      const override = (doc.override ?? {}) as Record<string, unknown>;
      return { ...doc, override: pick(override, input.section) };
    });
    const versions = { org: effective.versions.org ?? null, repo: effective.versions.repo ?? null };
    return {
      data: {
        workspace: input.workspace,
        config: pick(effective.config, input.section),
        versions,
        overrides: { org: org ?? null, repo: repo ?? null },
      },
      summary: `Configuration of ${input.workspace}${input.section ? ` (${input.section})` : ''}: org override v${versions.org ?? 0}, repo override v${versions.repo ?? 0}`,
      lines: [
        fields({
          agents: Object.keys(effective.config.agents),
          allowUnparentedTasks: effective.config.structure.allowUnparentedTasks,
          maxTasksPerFeature: effective.config.generation.maxTasksPerFeature,
        }),
        `sections: ${Object.keys(pick(effective.config, input.section)).join(', ')}`,
      ],
    };
  },
});

import * as z from 'zod';
import { OVERRIDE_SCOPES } from '../../governance/config/override.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { changeLine } from '../../mcp/text.js';

export const updateConfigTool = defineTool({
  name: 'update_config',
  title: 'Update governance configuration',
  description:
    'Store a new version of the org or repo override (it replaces the previous one whole). Validated against the merged result; audited.',
  toolset: 'config',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace.describe('owner/repo; scope org changes its owner'),
    scope: z.enum(OVERRIDE_SCOPES),
    override: z
      .record(z.string(), z.unknown())
      .describe('Whole new override: any subset of the get_config document'),
    expectedVersion: z.number().int().min(0).optional().describe('Version read (0: none stored)'),
    reason: s.reason,
  }),
  output: z.object({
    scope: z.enum(OVERRIDE_SCOPES),
    key: z.string().describe('owner (org) or owner/repo (repo)'),
    version: z.number(),
    previousVersion: z.number(),
    changed: z.boolean(),
    changes: s.configChanges,
    changesTotal: z.number(),
    versions: z
      .object({ org: z.number().nullable(), repo: z.number().nullable() })
      .describe('Override versions now effective in the workspace'),
  }),
  async handler(input, { deps, caller }) {
    const r = await deps.config.update(caller, input);
    return {
      data: {
        scope: r.scope,
        key: r.key,
        version: r.version,
        previousVersion: r.previousVersion,
        changed: r.changed,
        changes: r.changes.slice(0, s.MAX_LISTED_CHANGES),
        changesTotal: r.changes.length,
        versions: { org: r.effective.versions.org ?? null, repo: r.effective.versions.repo ?? null },
      },
      summary: r.changed
        ? `${r.scope} override of ${r.key} is now v${r.version} (${r.changes.length} change(s))`
        : `${r.scope} override of ${r.key} unchanged at v${r.version}`,
      lines: r.changes.map(changeLine),
    };
  },
});

import * as z from 'zod';
import { POLICY_FILE_PATH } from '../../governance/config/policy-file.js';
import { policyLocation as where, syncPolicy } from '../../governance/use-cases/policy-sync.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { fileSource, githubSource, policyOrigin } from './policy-common.js';

/** Policy as code: the file becomes the repo override the way update_config stores one (see syncPolicy). */
export const syncPolicyTool = defineTool({
  name: 'sync_policy',
  title: 'Sync policy file',
  description:
    `Store a repository's ${POLICY_FILE_PATH} (local checkout or GitHub) as its repo override: ` +
    'validated, versioned, audited. Dry run by default.',
  toolset: 'config',
  effect: 'write',
  idempotent: true,
  openWorld: true,
  input: z.object({
    workspace: s.workspace,
    source: z
      .discriminatedUnion('kind', [fileSource, githubSource])
      .describe('file: the checkout under GF_POLICY_DIR; github: the repository (GITHUB_TOKEN)'),
    expectedVersion: z.number().int().min(0).optional().describe('Repo override version read'),
    reason: s.reason.optional(),
    dryRun: s.dryRun,
  }),
  output: z.object({
    dryRun: z.boolean(),
    origin: policyOrigin,
    changed: z.boolean(),
    version: z.number().describe('Repo override version stored (dry run: the current one)'),
    previousVersion: z.number(),
    changes: s.configChanges,
    changesTotal: z.number(),
  }),
  async handler(input, { deps, caller }) {
    const { workspace, source } = input;
    const r = await syncPolicy(deps, caller, {
      workspace,
      kind: source.kind,
      ref: source.kind === 'github' ? source.ref : undefined,
      expectedVersion: input.expectedVersion,
      reason: input.reason,
      dryRun: input.dryRun,
    });
    const { origin, changes } = r;
    const data = {
      dryRun: r.dryRun,
      origin,
      changed: r.changed,
      version: r.version,
      previousVersion: r.previousVersion,
      changes: changes.slice(0, s.MAX_LISTED_CHANGES),
      changesTotal: changes.length,
    };
    if (r.dryRun) {
      return {
        data,
        summary: `Dry run: ${where(origin)} would change ${changes.length} setting(s) of ${workspace}`,
      };
    }
    return {
      data,
      summary: r.changed
        ? `repo override of ${workspace} is now v${r.version} from ${where(origin)} (${changes.length} setting(s) changed)`
        : `repo override of ${workspace} already matches ${where(origin)} (v${r.version})`,
    };
  },
});

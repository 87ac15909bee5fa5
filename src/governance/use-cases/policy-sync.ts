/**
 * Policy as code: the repository's own file becomes its repo override through the same path as
 * update_config (validated over the org override, version-checked, orphan-checked, audited), with
 * the file's location in the audit reason. A file with problems is refused with its lines.
 */
import { configDiff, type ConfigChange } from '../config/diff.js';
import { LIMITS } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import {
  readPolicyFrom,
  type PolicyOrigin,
  type PolicySourceKind,
  type PolicySources,
} from '../ports/policy-source.js';
import type { ConfigService } from './config-service.js';
import { policyBaseline, previewPolicy } from './policy-preview.js';

/** Where a file was read, as the audit reason and summaries name it. */
export const policyLocation = (o: PolicyOrigin): string =>
  `${o.location}${o.sha ? ` (blob ${o.sha.slice(0, 12)})` : ''}`;

export interface SyncPolicyCommand {
  workspace: string;
  kind: PolicySourceKind;
  /** GitHub only: branch, tag or SHA; absent, the default branch. */
  ref?: string;
  /** Repo override version read. */
  expectedVersion?: number;
  reason?: string;
  dryRun: boolean;
}

export interface SyncPolicyResult {
  dryRun: boolean;
  origin: PolicyOrigin;
  changed: boolean;
  /** Repo override version stored (dry run: the current one). */
  version: number;
  previousVersion: number;
  /** What changes (or would change) in the workspace's effective configuration. */
  changes: ConfigChange[];
}

export async function syncPolicy(
  deps: { config: ConfigService; policySources?: PolicySources },
  caller: Caller,
  cmd: SyncPolicyCommand,
): Promise<SyncPolicyResult> {
  const { workspace } = cmd;
  const { text, origin } = await readPolicyFrom(deps.policySources, cmd.kind, workspace, cmd.ref);
  const baseline = await policyBaseline(deps.config, workspace);
  // Line-precise problems (POLICY.YAML_SYNTAX, CONFIG.INVALID) refuse the sync as they are.
  const preview = previewPolicy(baseline, text);
  if (cmd.dryRun) {
    const version = baseline.comparedWith?.versions.repo ?? 0;
    const { changes } = preview;
    return { dryRun: true, origin, changed: changes.length > 0, version, previousVersion: version, changes };
  }
  const r = await deps.config.update(caller, {
    workspace,
    scope: 'repo',
    override: preview.override,
    ...(cmd.expectedVersion !== undefined && { expectedVersion: cmd.expectedVersion }),
    reason: cmd.reason ?? `synced from ${policyLocation(origin)}`.slice(0, LIMITS.reason),
  });
  return {
    dryRun: false,
    origin,
    changed: r.changed,
    version: r.version,
    previousVersion: r.previousVersion,
    // As in the dry run: what changed in the workspace's effective configuration.
    changes: configDiff(baseline.current, r.effective.config),
  };
}

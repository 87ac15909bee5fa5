/**
 * A repository's policy file read as its repo override: over which base it is validated, what it
 * would make the workspace's configuration, and what that changes.
 */
import { DEFAULT_CONFIG } from '../config/defaults.js';
import { configDiff, type ConfigChange } from '../config/diff.js';
import { effectiveConfig } from '../config/merge.js';
import type { ConfigOverride } from '../config/override.js';
import { parsePolicyYaml } from '../config/policy-file.js';
import type { GovernanceConfig } from '../config/schema.js';
import { DomainError } from '../errors.js';
import {
  readPolicyFrom,
  type PolicyOrigin,
  type PolicySourceKind,
  type PolicySources,
} from '../ports/policy-source.js';
import type { ConfigService } from './config-service.js';

export interface Baseline {
  /** What the file overrides: the defaults, or the defaults with the workspace's org override. */
  base: GovernanceConfig;
  /** What its changes are listed against. */
  current: GovernanceConfig;
  comparedWith?: { workspace: string; versions: { org: number | null; repo: number | null } };
}

export type BaselineConfig = Pick<ConfigService, 'effective' | 'history'>;

/**
 * The file is the repository override, so a workspace's baseline is its org-merged base (DEFAULT <-
 * org override) and its changes are those against the workspace's current effective configuration.
 */
export async function policyBaseline(
  config: BaselineConfig,
  workspace: string | undefined,
): Promise<Baseline> {
  if (workspace === undefined) return { base: DEFAULT_CONFIG, current: DEFAULT_CONFIG };
  const [effective, org] = await Promise.all([
    config.effective(workspace),
    config.history({ workspace, scope: 'org', limit: 1 }),
  ]);
  const orgOverride = org.versions[0]?.override as ConfigOverride | undefined;
  return {
    base: effectiveConfig(DEFAULT_CONFIG, orgOverride),
    current: effective.config,
    comparedWith: {
      workspace,
      versions: { org: effective.versions.org ?? null, repo: effective.versions.repo ?? null },
    },
  };
}

export interface PolicyPreview {
  override: ConfigOverride;
  /** The workspace's configuration with the file as its repo override. */
  effective: GovernanceConfig;
  /** What that changes from `baseline.current`. */
  changes: ConfigChange[];
}

/** The file read over a baseline; throws POLICY.YAML_SYNTAX / CONFIG.INVALID with line-precise issues. */
export function previewPolicy(baseline: Baseline, text: string): PolicyPreview {
  const override = parsePolicyYaml(text, { base: baseline.base });
  const effective = effectiveConfig(baseline.base, undefined, override);
  return { override, effective, changes: configDiff(baseline.current, effective) };
}

export interface PolicyIssue {
  /** Dotted path of the setting, when the problem has one. */
  path: string | null;
  line: number | null;
  column: number | null;
  message: string;
}

export type PolicyCheck = { ok: true; preview: PolicyPreview } | { ok: false; issues: PolicyIssue[] };

/** The problems a policy error carries, as data; at least one (the error's message). */
export function policyIssues(err: DomainError): PolicyIssue[] {
  const raw = (err.details?.issues ?? []) as {
    path?: unknown;
    line?: unknown;
    column?: unknown;
    message?: unknown;
  }[];
  const list = raw.map((i) => ({
    path: typeof i.path === 'string' ? i.path : Array.isArray(i.path) ? i.path.join('.') : null,
    line: typeof i.line === 'number' ? i.line : null,
    column: typeof i.column === 'number' ? i.column : null,
    message: typeof i.message === 'string' ? i.message : err.message,
  }));
  return list.length > 0 ? list : [{ path: null, line: null, column: null, message: err.message }];
}

/**
 * previewPolicy, with a file that has mistakes as an answer rather than a failure: its YAML and
 * configuration problems come back as issues; any other error is thrown.
 */
export function checkPolicy(baseline: Baseline, text: string): PolicyCheck {
  try {
    return { ok: true, preview: previewPolicy(baseline, text) };
  } catch (err) {
    if (!(err instanceof DomainError) || (err.code !== 'CONFIG.INVALID' && err.code !== 'POLICY.YAML_SYNTAX'))
      throw err;
    return { ok: false, issues: policyIssues(err) };
  }
}

export type PolicyInput = { kind: 'text'; text: string } | { kind: PolicySourceKind; ref?: string };

export interface PolicyValidation {
  ok: boolean;
  /** Where the file was read; absent when given as text. */
  origin?: PolicyOrigin;
  issues: PolicyIssue[];
  changes: ConfigChange[];
  /** The workspace configuration the changes are against; absent: the defaults. */
  comparedWith?: Baseline['comparedWith'];
  /** The configuration the workspace would have with this file (when ok). */
  effective?: GovernanceConfig;
}

/** A file given, or read from a source (which needs `workspace`), checked over the workspace's baseline. */
export async function validatePolicy(
  deps: { config: BaselineConfig; policySources?: PolicySources },
  workspace: string | undefined,
  input: PolicyInput,
): Promise<PolicyValidation> {
  // Before the check: an unreadable source or a broken stored configuration is an error, not a file problem.
  const { text, origin }: { text: string; origin?: PolicyOrigin } =
    input.kind === 'text'
      ? { text: input.text }
      : await readPolicyFrom(deps.policySources, input.kind, workspace!, input.ref);
  const baseline = await policyBaseline(deps.config, workspace);
  const { comparedWith } = baseline;
  const check = checkPolicy(baseline, text);
  const where = { ...(origin && { origin }), ...(comparedWith && { comparedWith }) };
  return check.ok
    ? { ok: true, ...where, issues: [], changes: check.preview.changes, effective: check.preview.effective }
    : { ok: false, ...where, issues: check.issues, changes: [] };
}

/**
 * Storing a new version of an organisation or repository configuration override. The override is
 * validated alone and merged; the new version, its audit record and its event commit together, and
 * any refusal (stale version, invalid merge, orphaned tasks) leaves nothing written.
 *
 * With an external document store (deps.documents) the version is put there first, inside the
 * write (holding the workspace lock), and removed again when a later step refuses or the SQL
 * commit fails: compensation instead of one transaction. Residual risk: if the process dies
 * between that put and the SQL commit (or the removal itself fails), the version stays stored
 * without its audit record or event. It is a validated override, so readers merge it like any
 * other; verify_audit will not list it, and the next update's diff starts from it.
 */
import { DEFAULT_CONFIG } from '../config/defaults.js';
import { configDiff, type ConfigChange } from '../config/diff.js';
import { ITEM_RULE_IDS } from '../compliance/item-rules.js';
import type { RuleId } from '../compliance/types.js';
import { configInvalid } from '../config/issues.js';
import { validateOverride } from '../config/merge.js';
import { OVERRIDE_SCOPES, type ConfigOverride, type OverrideScope } from '../config/override.js';
import type { GovernanceConfig } from '../config/schema.js';
import { DomainError, isDomainError } from '../errors.js';
import type { AuditDiff, AuditRecord } from '../model/audit.js';
import { LIMITS } from '../model/work-item.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { DocumentReader } from '../ports/documents.js';
import type { ConfigDoc, StoreTx } from '../ports/store.js';
import { auditCommitted, putConfigAt, sqlDocumentStore, undoPut } from './config-documents.js';
import {
  configKey,
  mergeDocs,
  ownerOf,
  readConfigDocs,
  type ConfigDocs,
  type EffectiveConfig,
} from './config-effective.js';
import { runWrite } from './write-scope.js';

export interface UpdateConfigCommand {
  /** The repository the change is made through (audited in its chain); for `org`, its owner's override changes. */
  workspace: string;
  scope: OverrideScope;
  /** The whole new override of that scope (it replaces the previous version, it is not a patch). */
  override: unknown;
  /** The version read before (0: none stored yet); omitted, the latest is replaced whatever it is. */
  expectedVersion?: number;
  reason?: string | null;
}

export interface UpdateConfigResult {
  scope: OverrideScope;
  key: string;
  /** The stored version (unchanged when the override was already the stored one). */
  version: number;
  previousVersion: number;
  changed: boolean;
  /** Leaf changes of the override. */
  changes: ConfigChange[];
  /** The workspace's effective configuration after the update. */
  effective: EffectiveConfig;
}

/** Workspaces of an owner checked by an org update; beyond this, org updates are not checked per repo. */
export const MAX_CHECKED_WORKSPACES = 500;
/** Unparented tasks named per workspace in a CONFIG.WOULD_ORPHAN error. */
export const MAX_NAMED_TASKS = 10;

export async function updateConfig(
  deps: CoreDeps,
  caller: Caller,
  cmd: UpdateConfigCommand,
  defaults: GovernanceConfig = DEFAULT_CONFIG,
): Promise<UpdateConfigResult> {
  assertWorkspace(cmd.workspace);
  if (cmd.reason != null && cmd.reason.length > LIMITS.reason) {
    throw new DomainError(
      'INPUT.INVALID',
      `reason is ${cmd.reason.length} characters; the limit is ${LIMITS.reason}`,
      'Shorten the reason.',
    );
  }
  if (!OVERRIDE_SCOPES.includes(cmd.scope)) {
    throw new DomainError('INPUT.INVALID', `Unknown scope "${String(cmd.scope)}"`, 'Use "org" or "repo".');
  }
  // Checked before taking the lock; the parsed form is what gets stored (strict, trimmed).
  const override = validateOverride(cmd.scope, cmd.override);
  assertEnforceable(cmd.scope, override);
  const key = configKey(cmd.scope, cmd.workspace);

  const external = deps.documents;
  // An external put that is not yet known to have committed together with its audit record.
  let uncommitted: { stored: ConfigDoc; record?: AuditRecord } | undefined;
  try {
    return await runWrite(deps, caller, cmd.workspace, async (s) => {
      const store = external ?? sqlDocumentStore(s.tx);
      const docs = await readConfigDocs(store, s.workspace);
      const current = docs[cmd.scope];
      const previousVersion = current?.version ?? 0;
      const expected = cmd.expectedVersion ?? previousVersion;
      const changes = configDiff(current?.override ?? {}, override);
      if (changes.length === 0 && expected === previousVersion) {
        return {
          scope: cmd.scope,
          key,
          version: previousVersion,
          previousVersion,
          changed: false,
          changes,
          effective: mergeDocs(docs, defaults),
        };
      }

      // First, so a stale version is reported as such; a later refusal rolls this back (or undoes it).
      const stored = await putConfigAt(
        store,
        cmd.scope,
        key,
        { override, updatedAt: s.now, updatedBy: caller.actor.id },
        expected,
      );
      if (external) uncommitted = { stored };
      try {
        const after = { ...docs, [cmd.scope]: stored };
        const effective = await checkAffected(s.tx, store, s.workspace, cmd.scope, docs, after, defaults);
        const record = await s.audit({
          entityType: 'workspace',
          entityId: s.workspace,
          action: 'config.updated',
          diff: auditDiff(cmd.scope, previousVersion, stored.version, changes),
          reason: cmd.reason ?? null,
        });
        if (uncommitted) uncommitted.record = record;
        await s.emit('config.updated', {
          scope: cmd.scope,
          key,
          version: stored.version,
          previousVersion,
          paths: changes.slice(0, 50).map((c) => c.path),
        });
        return {
          scope: cmd.scope,
          key,
          version: stored.version,
          previousVersion,
          changed: true,
          changes,
          effective,
        };
      } catch (err) {
        // Still holding the workspace lock, so no writer of this repository has built on it.
        if (external) {
          await undoPut(external, cmd.scope, key, stored);
          uncommitted = undefined;
        }
        throw err;
      }
    });
  } catch (err) {
    // The write returned but did not finish: undo unless its audit record committed (the event
    // publish after the commit may be what failed).
    if (
      external &&
      uncommitted &&
      !(await auditCommitted(deps.store.reader, cmd.workspace, uncommitted.record))
    ) {
      await undoPut(external, cmd.scope, key, uncommitted.stored);
    }
    throw err;
  }
}

/** `{ 'org:generation.maxFeaturesPerEpic': { old, new }, 'org:(version)': { old, new } }`. */
function auditDiff(scope: OverrideScope, from: number, to: number, changes: ConfigChange[]): AuditDiff {
  const diff: AuditDiff = { [`${scope}:(version)`]: { old: from === 0 ? null : from, new: to } };
  for (const c of changes) diff[`${scope}:${c.path}`] = { old: c.old, new: c.new };
  return diff;
}

interface Affected {
  workspace: string;
  before: ConfigDocs;
  after: ConfigDocs;
}

/**
 * Validates the effective configuration of every workspace the update reaches (the workspace
 * itself; for an org update, also the owner's other known workspaces, each with its own repository
 * override) and refuses to forbid unparented tasks where some exist. Returns the effective
 * configuration of `workspace`. Other workspaces are read without their locks: a repository update
 * racing an org update can still combine into an invalid configuration, which reading it reports.
 */
async function checkAffected(
  tx: StoreTx,
  documents: DocumentReader,
  workspace: string,
  scope: OverrideScope,
  before: ConfigDocs,
  after: ConfigDocs,
  defaults: GovernanceConfig,
): Promise<EffectiveConfig> {
  const affected: Affected[] = [{ workspace, before, after }];
  if (scope === 'org') {
    // The org override alone over the defaults, so the error names the org's own paths first.
    mergeOrExplain({ org: after.org, repo: undefined }, defaults, workspace, 'org');
    const others = await tx.listWorkspaces(MAX_CHECKED_WORKSPACES, ownerOf(workspace));
    // One round trip's wait for all of them: an external document store is a network away.
    const rest = others.filter((ws) => ws !== workspace);
    const repos = await Promise.all(rest.map((ws) => documents.get('repo', ws)));
    rest.forEach((ws, i) => {
      const repo = repos[i];
      affected.push({ workspace: ws, before: { org: before.org, repo }, after: { org: after.org, repo } });
    });
  }
  const orphans: { workspace: string; tasks: string[]; more: boolean }[] = [];
  let result: EffectiveConfig | undefined;
  for (const a of affected) {
    const next = mergeOrExplain(a.after, defaults, a.workspace, scope);
    result ??= next;
    if (next.config.structure.allowUnparentedTasks) continue;
    const found = await unparentedTasks(tx, a.workspace, a.before, defaults);
    if (found) orphans.push({ workspace: a.workspace, ...found });
  }
  if (orphans.length > 0) throw wouldOrphan(orphans);
  return result!;
}

/** The merge, or CONFIG.INVALID naming the workspace it failed for (an org update reaches several). */
function mergeOrExplain(
  docs: ConfigDocs,
  defaults: GovernanceConfig,
  workspace: string,
  scope: OverrideScope,
): EffectiveConfig {
  try {
    return mergeDocs(docs, defaults);
  } catch (err) {
    if (!isDomainError(err) || err.code !== 'CONFIG.INVALID' || scope !== 'org') throw err;
    const withRepo = docs.repo !== undefined;
    throw new DomainError(
      'CONFIG.INVALID',
      withRepo ? `${err.message} (in ${workspace}, with its repository override)` : err.message,
      withRepo
        ? `The organisation override combines with the repository override of ${workspace} into an invalid configuration: change the listed fields in either; nothing was changed.`
        : 'The organisation override makes the defaults invalid: change the listed fields; nothing was changed.',
      { ...err.details, workspace },
    );
  }
}

/**
 * Root tasks of a workspace that until now was allowed to have them (by its effective configuration
 * before the update, or by its stored hierarchy policy); undefined when there are none.
 */
async function unparentedTasks(
  tx: StoreTx,
  workspace: string,
  before: ConfigDocs,
  defaults: GovernanceConfig,
): Promise<{ tasks: string[]; more: boolean } | undefined> {
  let allowedBefore: boolean;
  try {
    allowedBefore = mergeDocs(before, defaults).config.structure.allowUnparentedTasks;
  } catch {
    allowedBefore = true; // an invalid stored configuration proves nothing: check the data
  }
  if (!allowedBefore && !(await tx.getPolicy(workspace)).allowUnparentedTasks) return undefined;
  const roots = await tx.treePage(workspace, { types: ['task'], maxDepth: 0, limit: MAX_NAMED_TASKS + 1 });
  if (roots.length === 0) return undefined;
  return { tasks: roots.slice(0, MAX_NAMED_TASKS).map((t) => t.id), more: roots.length > MAX_NAMED_TASKS };
}

function wouldOrphan(found: { workspace: string; tasks: string[]; more: boolean }[]): DomainError {
  const first = found[0]!;
  const others = found.length > 1 ? ` (and ${found.length - 1} more workspace(s))` : '';
  return new DomainError(
    'CONFIG.WOULD_ORPHAN',
    `structure.allowUnparentedTasks: false would orphan tasks without a parent in ${first.workspace}: ${first.tasks.join(', ')}${first.more ? ', ...' : ''}${others}`,
    'Move those tasks under a feature first (move_item), or keep structure.allowUnparentedTasks true; nothing was changed.',
    { workspaces: found.slice(0, MAX_NAMED_TASKS) },
  );
}

/**
 * CONFIG.INVALID for `enforce: true` on a rule a write cannot be checked against (the structure,
 * limit, milestone-naming and cross-item rules need the whole tree or its history): stored, it
 * would look like protection that is not there.
 */
function assertEnforceable(scope: OverrideScope, override: ConfigOverride): void {
  const rules = override.compliance?.rules ?? {};
  const issues = Object.entries(rules)
    .filter(([rule, o]) => o?.enforce === true && !ITEM_RULE_IDS.has(rule as RuleId))
    .map(([rule]) => ({
      path: `compliance.rules.${rule}.enforce`,
      message: `${rule} cannot be enforcing: it needs the whole tree or its history, so check_compliance reports it instead`,
    }));
  if (issues.length === 0) return;
  throw configInvalid(
    scope,
    issues,
    `Rules that can be enforcing: ${[...ITEM_RULE_IDS].join(', ')}. Drop enforce from the others; nothing was changed.`,
  );
}

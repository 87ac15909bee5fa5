import * as z from 'zod';
import type { GovernanceConfig } from '../governance/config/schema.js';
import type { AuditRecord } from '../governance/model/audit.js';
import { auditDigest } from '../governance/use-cases/audit-digest.js';
import { verifyAudit } from '../governance/use-cases/verify-audit.js';
import { listApprovals } from '../governance/use-cases/approvals.js';
import { complianceTrend, servedReport } from '../governance/use-cases/compliance-trend.js';
import { remediate } from '../governance/use-cases/remediate.js';
import { definePrompt } from '../mcp/define-prompt.js';
import { completeSinceDate } from '../resources/complete.js';
import { auditUri } from '../resources/uris.js';
import {
  ask,
  badArgument,
  cap,
  jsonData,
  optional,
  truncationNote,
  workspaceArgs,
  workspaceOf,
} from './render.js';

/** Records summarised (newest first); older ones are left out and the summary says so. */
export const AUDIT_SCAN_CAP = 2000;
/** Records listed one by one, per list. */
export const AUDIT_LIST_CAP = 30;

const isoSince = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

const brief = (r: AuditRecord) => ({
  seq: r.seq,
  at: r.at,
  action: r.action,
  entity: `${r.entityType}:${r.entityId}`,
  fields: Object.keys(r.diff),
  actor: r.actor.id,
  tool: r.tool,
  reason: r.reason,
});

const approvalText = (a: GovernanceConfig['compliance']['approvals']['epicCreation']) =>
  a.required
    ? `required (${a.minApprovals} of ${a.approvers.length ? a.approvers.join(', ') : 'any approver'})`
    : 'not required';

export const complianceReviewPrompt = definePrompt({
  name: 'compliance_review',
  title: 'Compliance review',
  description:
    "Review a workspace's changes against its compliance rules: audit summary, chain verification, approvals and required documentation.",
  args: {
    ...workspaceArgs,
    since: {
      description: 'Only changes from this ISO date or time on, e.g. 2026-01-01',
      complete: completeSinceDate,
    },
  },
  async render(deps, args) {
    const workspace = workspaceOf(args);
    const sinceArg = optional(args.since);
    if (sinceArg !== undefined && !isoSince.safeParse(sinceArg).success) {
      throw badArgument(
        'since',
        `"${sinceArg}" is not an ISO date`,
        'Use YYYY-MM-DD or an ISO time such as 2026-01-01T00:00:00Z.',
      );
    }
    const since = sinceArg && new Date(sinceArg).toISOString();
    const rows = await deps.store.reader.queryAudit(workspace, {
      ...(since && { since }),
      limit: AUDIT_SCAN_CAP + 1,
    });
    const scanned = cap(rows, AUDIT_SCAN_CAP);
    const records = scanned.items;
    const digest = auditDigest(records);
    const epicCreations = cap(digest.epicCreations.map(brief), AUDIT_LIST_CAP);
    const milestoneChanges = cap(digest.milestoneChanges.map(brief), AUDIT_LIST_CAP);
    const configChanges = cap(digest.configChanges.map(brief), AUDIT_LIST_CAP);
    const recent = cap(records.map(brief), AUDIT_LIST_CAP);
    const verification = await verifyAudit(deps.store.reader, workspace);
    const { compliance } = (await deps.config.effective(workspace)).config;
    const now = deps.clock.now();
    const report = await servedReport(deps, { workspace, scope: 'workspace', limit: 10 });
    const trend = since ? await complianceTrend(deps, workspace, since, now, report) : null;
    const pending = await listApprovals(deps.store.reader, now, { workspace, status: 'pending', limit: 100 });
    const remediable = await remediate(deps, null, {
      workspace,
      scope: 'workspace',
      dryRun: true,
      limit: 10,
    });
    const docs = Object.entries(compliance.requiredDocumentation)
      .map(([type, list]) => `${type}: ${list.length ? list.join(', ') : 'none'}`)
      .join('; ');
    const text =
      `Do a compliance review of ${workspace}${since ? ` since ${since}` : ''}. Rules: audit ` +
      `${compliance.auditRequired ? 'required' : 'not required'}; epic creation approval ` +
      `${approvalText(compliance.approvals.epicCreation)}; milestone change approval ` +
      `${approvalText(compliance.approvals.milestoneChanges)}; required documentation (${docs}). ` +
      `Audit chain: ${verification.ok ? `intact (${verification.checked} records)` : `BROKEN at record ${verification.firstBad?.seq} (${verification.firstBad?.problem})`}. ` +
      'Report who changed what, and under which rule each sensitive change falls (epic creations, ' +
      'milestone changes, configuration updates), citing audit seq numbers; flag changes a rule covers ' +
      'that carry no reason, and actors or tools that look out of place. ' +
      `Compliance now: ${Math.round(report.complianceRate * 1000) / 10}% of ${report.checked} item(s) ` +
      `without an error finding, ${report.bySeverity.error} error(s), ${report.bySeverity.warning} warning(s) ` +
      '(the data has the totals per rule and category and the lowest-scoring items)' +
      (trend?.change
        ? `; since ${since}: ${trend.change.complianceRate >= 0 ? '+' : ''}${Math.round(trend.change.complianceRate * 1000) / 10} points, ${trend.change.errors >= 0 ? '+' : ''}${trend.change.errors} error(s)`
        : '') +
      `. Pending approvals: ${pending.requests.length}${pending.nextAfterSeq !== null ? '+' : ''} (list_approvals). ` +
      `remediate {workspace: "${workspace}"} (a dry run) would fix ${remediable.actions} finding(s) on ` +
      `${remediable.changed} item(s) by itself; ${remediable.manual} need a person. Call check_compliance ` +
      `{workspace: "${workspace}"} for every finding and its fix, and query_audit for detail. ` +
      `Do not change anything.${truncationNote({ audit: scanned })}`;
    return [
      ask(text),
      jsonData(auditUri(workspace), {
        workspace,
        since: since ?? null,
        audit: {
          records: records.length,
          truncated: scanned.truncated,
          // Newest first, so the window's oldest record is the last one read.
          first: records.length ? brief(records[records.length - 1]!) : null,
          last: records.length ? brief(records[0]!) : null,
          byAction: digest.byAction,
          byActor: digest.byActor,
          byTool: digest.byTool,
          epicCreations,
          milestoneChanges,
          configChanges,
          recent,
        },
        verification,
        compliance,
        report,
        trend,
        pendingApprovals: pending.requests.map((a) => ({
          id: a.id,
          tool: a.tool,
          rule: a.rule,
          requester: a.requester,
        })),
        remediation: {
          actions: remediable.actions,
          changed: remediable.changed,
          manual: remediable.manual,
          byRule: remediable.byRule,
        },
      }),
    ];
  },
});

/**
 * The approval gate, once for every tool: a write call that compliance.approvals lists is not run
 * but held as a request (APPROVAL.PENDING). When the client can be asked (elicitation), its user
 * decides at once: an approval that reaches the quorum applies the change in the same call.
 * Applying a request, here or from decide_approval, runs the stored call's handler as its requester.
 */
import { DomainError } from '../governance/errors.js';
import type { ApprovalOutcome, ApprovalRequest } from '../governance/model/approval.js';
import type { Caller } from '../governance/ports/caller.js';
import {
  approvalRuleFor,
  decideApproval,
  isApprover,
  recordOutcome,
  requestApproval,
} from '../governance/use-cases/approvals.js';
import type { AnyTool, ApprovalRuntime, ToolContext, ToolResult } from './define-tool.js';
import type { ApprovalAsker } from './elicitation.js';

export type ToolLoader = (name: string) => Promise<AnyTool> | undefined;

const MAX_SEQS = 200;

type ToolOutcome = Awaited<ReturnType<AnyTool['handler']>>;

export function approvalRuntime(load: ToolLoader): ApprovalRuntime {
  return {
    canApply: (tool) => load(tool) !== undefined,
    async apply(request, ctx) {
      const caller: Caller = {
        actor: request.requester.actor,
        client: request.requester.client,
        tool: request.tool,
        correlationId: request.requester.correlationId,
      };
      const reader = ctx.deps.store.reader;
      const before = (await reader.auditHead(request.workspace))?.seq ?? 0;
      let outcome: ApprovalOutcome;
      let result: ToolResult<unknown> | undefined;
      let error: unknown;
      try {
        const tool = await load(request.tool);
        if (!tool)
          throw new DomainError(
            'INPUT.INVALID',
            `Tool ${request.tool} is not available`,
            'Use a server that has it.',
          );
        const input = tool.input.parse(request.input);
        result = await tool.handler(input, { ...ctx, caller });
        tool.output.parse(result.data);
        // The change's own records: this correlation id, written since (a concurrent writer's are skipped).
        const records = await reader.auditRange(request.workspace, before, MAX_SEQS);
        const auditSeqs = records.filter((r) => r.correlationId === caller.correlationId).map((r) => r.seq);
        outcome = { ok: true, summary: result.summary.slice(0, 500), auditSeqs };
      } catch (err) {
        error = err;
        result = undefined;
        outcome =
          err instanceof DomainError
            ? { ok: false, code: err.code, message: err.message.slice(0, 500) }
            : { ok: false, code: 'INTERNAL', message: 'The change failed with an internal error.' };
        if (!(err instanceof DomainError))
          ctx.log.error({ err, tool: request.tool }, 'applying an approved change failed');
      }
      const recorded = await recordOutcome(ctx.deps, ctx.caller, request, outcome);
      return { request: recorded, ...(result && { result }), ...(error !== undefined && { error }) };
    },
  };
}

/** A short rendering of the change for the person asked. */
export function renderChange(a: ApprovalRequest): string {
  const input = JSON.stringify(a.input);
  return (
    `Approve this change? ${a.requester.actor.name} (${a.requester.actor.id}) asks to run ${a.tool} on ` +
    `${a.workspace}: ${input.length > 1200 ? `${input.slice(0, 1200)}…` : input}. ` +
    `Rule ${a.rule}: ${a.minApprovals} approval(s) needed; request ${a.id} expires ${a.expiresAt}.`
  );
}

export function pending(a: ApprovalRequest): DomainError {
  const who = a.approvers.length ? a.approvers.join(', ') : 'anyone but the requester';
  return new DomainError(
    'APPROVAL.PENDING',
    `${a.tool} waits for approval: request ${a.id} (${a.rule}, ${a.minApprovals} needed); nothing was changed yet`,
    `An approver (${who.slice(0, 300)}) calls decide_approval with id ${a.id} before ${a.expiresAt}; list_approvals shows it.`,
    {
      requestId: a.id,
      rule: a.rule,
      approvers: a.approvers,
      minApprovals: a.minApprovals,
      approvals: a.decisions.filter((d) => d.verdict === 'approve').length,
      expiresAt: a.expiresAt,
    },
  );
}

/** Holds the call as a request when the policy lists it; null when it may run. */
export async function holdIfListed(tool: AnyTool, input: Record<string, unknown>, ctx: ToolContext) {
  const workspace = input.workspace;
  if (tool.effect === 'read' || typeof workspace !== 'string') return null;
  const policy = (await ctx.deps.config.effective(workspace)).config.compliance.approvals;
  const held = approvalRuleFor(policy, tool.name, input);
  if (!held) return null;
  const request = await requestApproval(ctx.deps, ctx.caller, policy, {
    workspace,
    tool: tool.name,
    input,
    held,
  });
  return { request, policy, workspace };
}

/**
 * Runs the call, or holds it. `ask` is null when the client cannot be asked; then, as after no
 * answer, the call ends APPROVAL.PENDING.
 */
export async function runGated(
  tool: AnyTool,
  input: Record<string, unknown>,
  ctx: ToolContext,
  ask: ApprovalAsker | null,
): Promise<ToolOutcome> {
  const hold = await holdIfListed(tool, input, ctx);
  if (!hold) return tool.handler(input, ctx);
  const { request, policy, workspace } = hold;
  // The person at the client is asked only when they may decide: an approver, at most one approval.
  if (!ask || !policy.elicitation || !isApprover(request.approvers, ctx.caller.actor)) throw pending(request);
  const answer = await ask(renderChange(request), policy.elicitationTimeoutSeconds * 1000);
  if (!answer) throw pending(request);
  const decided = await decideApproval(ctx.deps, ctx.caller, {
    workspace,
    id: request.id,
    verdict: answer.verdict,
    via: 'elicitation',
    ...(answer.reason && { reason: answer.reason }),
  });
  if (decided.status === 'rejected') {
    throw new DomainError(
      'APPROVAL.REJECTED',
      `${tool.name} was rejected at the client (request ${request.id}); nothing was changed`,
      'Do not retry the same change; ask the user what to change instead.',
      { requestId: request.id, ...(answer.reason && { reason: answer.reason }) },
    );
  }
  if (decided.status !== 'approved') throw pending(decided);
  const applied = await approvalRuntime(() => Promise.resolve(tool)).apply(decided, ctx);
  if (applied.result) return applied.result as ToolOutcome;
  throw applied.error;
}

/**
 * Asks the user of the calling client to approve or reject a held change, through MCP form
 * elicitation (only offered when the client declared the `elicitation` capability). Declining,
 * cancelling, a timeout or a broken answer all mean "no answer": the request stays pending.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

export type ElicitedVerdict = { verdict: 'approve' | 'reject'; reason?: string } | null;

/** Asks once; null when there was no usable answer. */
export type ApprovalAsker = (message: string, timeoutMs: number) => Promise<ElicitedVerdict>;

const REQUESTED_SCHEMA = {
  type: 'object' as const,
  properties: {
    decision: {
      type: 'string' as const,
      title: 'Decision',
      enum: ['approve', 'reject'],
      enumNames: ['Approve this change', 'Reject it'],
    },
    reason: { type: 'string' as const, title: 'Reason (optional)', maxLength: 500 },
  },
  required: ['decision'],
};

/** The asker for this call, or null when the client cannot be asked (no form elicitation). */
export function approvalAsker(
  server: Server,
  extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
): ApprovalAsker | null {
  const caps = server.getClientCapabilities()?.elicitation;
  if (!caps || (caps.url && !caps.form)) return null;
  return async (message, timeoutMs) => {
    try {
      const r = await server.elicitInput(
        { mode: 'form', message, requestedSchema: REQUESTED_SCHEMA },
        { relatedRequestId: extra.requestId, signal: extra.signal, timeout: timeoutMs },
      );
      if (r.action !== 'accept') return null;
      const d = r.content?.decision;
      const reason =
        typeof r.content?.reason === 'string' && r.content.reason.trim()
          ? r.content.reason.trim()
          : undefined;
      return d === 'approve' || d === 'reject' ? { verdict: d, ...(reason && { reason }) } : null;
    } catch {
      return null; // timeout, cancelled call, or an answer that did not match the form
    }
  };
}

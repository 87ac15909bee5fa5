import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol, type RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestParamsSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolRequest,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { DomainError } from '../governance/errors.js';
import type { Caller } from '../governance/ports/caller.js';
import type { ToolContext } from './define-tool.js';
import type { Deps, Logger } from './deps.js';
import { inputError, toErrorResult } from './errors.js';
import { inputProblem } from './input-guard.js';
import type { ToolSpec } from './registry.js';
import { advertisedEntry } from './advertised.js';
import { samplingModel } from './sampling.js';
import { renderText } from './text.js';

/** Clients may pass their own correlation id under this `_meta` key to tie calls together. */
export const CORRELATION_META_KEY = 'governance-factory/correlation-id';

export interface RegisterToolsOptions {
  tools: readonly ToolSpec[];
  deps: Deps;
  log: Logger;
  /** Validate every result against the tool's output schema (on in tests, cheap enough to keep on). */
  validateOutput?: boolean;
}

/** Installs tools/list and tools/call on the low-level server: our own framework owns validation and errors. */
export function registerTools(server: Server, opts: RegisterToolsOptions): void {
  const { tools, deps, log } = opts;
  const byName = new Map(tools.map((t) => [t.name, t]));
  server.registerCapabilities({ tools: { listChanged: false } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: await Promise.all(tools.map(advertisedEntry)),
  }));
  // On the protocol itself: Server's own tools/call wrapper parses params with the SDK's schema first
  // and answers a bad `arguments` with -32603 and a schema dump; callParams answers -32602 instead.
  const callTool = async (
    raw: z.output<typeof ToolsCallSchema>,
    extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
  ): Promise<CallToolResult> => {
    const req = { method: raw.method, params: callParams(raw.params) };
    const spec = byName.get(req.params.name);
    if (!spec) {
      return toErrorResult(
        new DomainError(
          'INPUT.INVALID',
          `Unknown tool "${req.params.name.slice(0, 80)}"`,
          'Call tools/list for the available tools.',
        ),
        log,
        req.params.name,
      );
    }
    let tool;
    try {
      tool = await spec.load();
    } catch (err) {
      return toErrorResult(err, log, spec.name); // a module that cannot load: logged, INTERNAL
    }
    const meta = req.params._meta;
    const corr = meta?.[CORRELATION_META_KEY];
    const info = server.getClientVersion();
    const caller: Caller = {
      actor: deps.actor,
      // Only name and version: the rest of clientInfo is client-controlled and unbounded.
      client: info ? { name: info.name.slice(0, 200), version: info.version.slice(0, 100) } : null,
      tool: tool.name,
      correlationId:
        typeof corr === 'string' && corr.length > 0 && corr.length <= 100
          ? corr
          : globalThis.crypto.randomUUID(),
    };
    const progressToken = meta?.progressToken;
    const ctx: ToolContext = {
      deps,
      caller,
      log,
      signal: extra.signal,
      progress: async (progress, total, message) => {
        if (progressToken === undefined) return;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: progressToken, progress, total, message },
        });
      },
      models: {
        ...(server.getClientCapabilities()?.sampling ? { sampling: samplingModel(extra) } : {}),
        ...(deps.provider ? { provider: deps.provider } : {}),
      },
    };
    try {
      const args = req.params.arguments ?? {};
      const problem = inputProblem(args);
      if (problem) throw problem;
      const parsed = tool.input.safeParse(args);
      if (!parsed.success) throw inputError(parsed.error);
      const { data, summary, lines } = await tool.handler(parsed.data, ctx);
      const structured = opts.validateOutput === false ? data : tool.output.parse(data);
      return { content: [{ type: 'text', text: renderText(summary, lines) }], structuredContent: structured };
    } catch (err) {
      return toErrorResult(err, log, tool.name);
    }
  };
  Protocol.prototype.setRequestHandler.call(server, ToolsCallSchema, callTool);
}

/** Any tools/call reaches the handler, which checks its params itself (callParams). */
const ToolsCallSchema = z.object({ method: z.literal('tools/call'), params: z.unknown() });

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/** The params of tools/call, or -32602 Invalid params with a one-line reason. */
function callParams(params: unknown): CallToolRequest['params'] {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new McpError(ErrorCode.InvalidParams, `tools/call params must be an object, got ${kindOf(params)}`);
  }
  const args = (params as { arguments?: unknown }).arguments;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `tools/call arguments must be an object of named arguments, got ${kindOf(args)}`,
    );
  }
  const parsed = CallToolRequestParamsSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.map(String).join('.') || 'params';
    throw new McpError(ErrorCode.InvalidParams, `tools/call ${at}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '../governance/errors.js';
import type { Caller } from '../governance/ports/caller.js';
import type { ToolContext } from './define-tool.js';
import type { Deps, Logger } from './deps.js';
import { badTextError, findBadText, inputError, toErrorResult } from './errors.js';
import type { ToolSpec } from './registry.js';
import { advertisedEntry } from './advertised.js';
import { samplingModel } from './sampling.js';

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
  server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
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
      const badText = findBadText(args);
      if (badText) throw badTextError(badText);
      const parsed = tool.input.safeParse(args);
      if (!parsed.success) throw inputError(parsed.error);
      const { data, summary } = await tool.handler(parsed.data, ctx);
      const structured = opts.validateOutput === false ? data : tool.output.parse(data);
      return { content: [{ type: 'text', text: summary }], structuredContent: structured };
    } catch (err) {
      return toErrorResult(err, log, tool.name);
    }
  });
}

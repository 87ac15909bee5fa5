import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  Protocol,
  type RequestHandlerExtra,
  type RequestTaskStore,
} from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestParamsSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolRequest,
  type CreateTaskResult,
  type CallToolResult,
  type GetTaskResult,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { DomainError } from '../governance/errors.js';
import type { Caller } from '../governance/ports/caller.js';
import type { AnyTool, ToolContext } from './define-tool.js';
import type { Deps, Logger } from './deps.js';
import { inputError, toErrorResult, toProtocolError } from './errors.js';
import { taskOf } from './tasks.js';
import { inputProblem } from './input-guard.js';
import type { ToolSpec } from './registry.js';
import { advertisedEntry } from './advertised.js';
import { samplingModel } from './sampling.js';
import { renderText } from './text.js';
import { approvalRuntime, holdIfListed, pending, runGated, type ToolLoader } from './approval-gate.js';
import { approvalAsker } from './elicitation.js';

/** Clients may pass their own correlation id under this `_meta` key to tie calls together. */
export const CORRELATION_META_KEY = 'governance-factory/correlation-id';

export interface RegisterToolsOptions {
  tools: readonly ToolSpec[];
  deps: Deps;
  log: Logger;
  /** Validate every result against the tool's output schema (on in tests, cheap enough to keep on). */
  validateOutput?: boolean;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The McpServer sees every argument object as valid: the tool's own zod schema, loaded with its
 * definition on first call, validates it, so a bad input becomes our INPUT.INVALID with a hint.
 */
const ANY_ARGUMENTS = z.looseObject({});

/**
 * Registers the catalogued tools on the McpServer (so its tools/call path, enable/disable with
 * list_changed, and task-capable tools all apply), with two things of ours around it:
 * - tools/list answers the advertised entries (prebuilt in the bundle) of the registered, enabled tools;
 * - tools/call params are checked before the SDK's request schema, so non-object arguments get
 *   -32602 Invalid params with one line instead of -32603 and a schema dump, and an unknown tool
 *   gets INPUT.INVALID with a hint.
 */
/** The registered tools by name: disabling, enabling or removing one updates tools/list and notifies clients. */
export type RegisteredTools = ReadonlyMap<string, RegisteredTool>;

export function registerTools(mcp: McpServer, opts: RegisterToolsOptions): RegisteredTools {
  const server = mcp.server;
  const registered = new Map<string, { spec: ToolSpec; handle: RegisteredTool }>();
  const sdkCall = captureCallHandler(server, () => {
    for (const spec of opts.tools) {
      const handle = spec.task
        ? // tools/call of a task tool never reaches the SDK's handler (see `call`): this registration
          // gives it its `execution` and its place among the tools that can be enabled or disabled.
          mcp.experimental.tasks.registerToolTask(
            spec.name,
            { inputSchema: ANY_ARGUMENTS, execution: { taskSupport: spec.task } },
            {
              createTask: (args, extra) =>
                startTask(spec, args as Record<string, unknown>, extra, server, opts),
              getTask: (_args, extra) => taskStatus(extra.taskStore, extra.taskId),
              getTaskResult: async (_args, extra) =>
                (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
            },
          )
        : mcp.registerTool(spec.name, { inputSchema: ANY_ARGUMENTS }, (args, extra) =>
            runTool(spec, args, extra, server, opts),
          );
      registered.set(spec.name, { spec, handle });
    }
  });
  // With no tool selected the McpServer installs nothing; tools/list still answers (an empty list).
  server.registerCapabilities({ tools: { listChanged: true } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: await Promise.all(
      [...registered.values()].filter((t) => t.handle.enabled).map((t) => advertisedEntry(t.spec)),
    ),
  }));
  const call = async (
    raw: z.output<typeof ToolsCallSchema>,
    extra: Extra,
  ): Promise<CallToolResult | CreateTaskResult> => {
    const req = { method: 'tools/call' as const, params: callParams(raw.params) };
    const name = req.params.name;
    const entry = registered.get(name);
    if (entry?.spec.task && entry.handle.enabled) {
      // A task tool runs ordinarily (progress notifications, one answer) unless the client asked
      // for a task; the SDK's own path would poll the store every 5 s for a client without tasks.
      const args = req.params.arguments ?? {};
      return req.params.task
        ? startTask(entry.spec, args, extra, server, opts)
        : runTool(entry.spec, args, extra, server, opts);
    }
    if (!sdkCall || entry?.handle.enabled !== true) {
      const unknown = new DomainError(
        'INPUT.INVALID',
        `Unknown tool "${name.slice(0, 80)}"`,
        'Call tools/list for the available tools.',
      );
      return toErrorResult(unknown, opts.log, name);
    }
    return sdkCall(req, extra);
  };
  Protocol.prototype.setRequestHandler.call(server, ToolsCallSchema, call);
  return new Map([...registered].map(([name, t]) => [name, t.handle]));
}

type CallHandler = (req: CallToolRequest, extra: Extra) => Promise<CallToolResult>;

/**
 * Runs `register` while keeping the tools/call handler the McpServer installs instead of letting
 * it reach the protocol: the SDK would parse params with its request schema before any handler runs
 * and answer a bad `arguments` with -32603. The caller installs it behind its own params check.
 */
function captureCallHandler(server: Server, register: () => void): CallHandler | undefined {
  let captured: CallHandler | undefined;
  const install = server.setRequestHandler.bind(server);
  const hook = (schema: { shape: { method: { value: unknown } } }, handler: unknown): void => {
    if (schema.shape.method.value === 'tools/call') captured = handler as CallHandler;
    else install(schema as never, handler as never);
  };
  server.setRequestHandler = hook as unknown as Server['setRequestHandler'];
  try {
    register();
  } finally {
    // Back to the prototype's method: only registration is intercepted.
    delete (server as { setRequestHandler?: unknown }).setRequestHandler;
  }
  return captured;
}

/** The caller and context of one call of `tool`. */
function contextOf(tool: AnyTool, extra: Extra, server: Server, opts: RegisterToolsOptions): ToolContext {
  const { deps, log } = opts;
  const meta = extra._meta;
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
  return {
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
    approvals: approvalRuntime(loaderOf(opts.tools)),
  };
}

/** Loads a selected tool by name; undefined for one this server does not expose. */
const loaderOf =
  (tools: readonly ToolSpec[]): ToolLoader =>
  (name) =>
    tools.find((t) => t.name === name)?.load();

/**
 * The tool's own input check: INPUT.INVALID with the constraint that failed. An argument the tool
 * does not take is refused too (a misspelt name would otherwise be dropped, and the call do less
 * than asked).
 */
function parseInput(tool: AnyTool, args: Record<string, unknown>): Record<string, unknown> {
  const problem = inputProblem(args);
  if (problem) throw problem;
  const parsed = tool.input.safeParse(args);
  if (!parsed.success) throw inputError(parsed.error);
  const unknown = unknownArguments(tool, args);
  if (unknown) throw unknown;
  return parsed.data;
}

function unknownArguments(tool: AnyTool, args: Record<string, unknown>): DomainError | undefined {
  const known = tool.input.shape;
  const unknown = Object.keys(args).filter((k) => !Object.hasOwn(known, k));
  if (unknown.length === 0) return undefined;
  const shown = unknown.slice(0, 5).map((k) => JSON.stringify(k.length > 60 ? `${k.slice(0, 57)}...` : k));
  const names = shown.join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '');
  return new DomainError(
    'INPUT.INVALID',
    `${tool.name} takes no argument ${names}`,
    `Its arguments: ${Object.keys(known).join(', ')}; nothing was changed.`,
    { issues: unknown.map((path) => ({ path, message: `not an argument of ${tool.name}` })) },
  );
}

async function runTool(
  spec: ToolSpec,
  args: Record<string, unknown>,
  extra: Extra,
  server: Server,
  opts: RegisterToolsOptions,
): Promise<CallToolResult> {
  const { log, validateOutput } = opts;
  let tool;
  try {
    tool = await spec.load();
  } catch (err) {
    return toErrorResult(err, log, spec.name); // a module that cannot load: logged, INTERNAL
  }
  const ctx = contextOf(tool, extra, server, opts);
  try {
    const input = parseInput(tool, args);
    const { data, summary, lines, images } = await runGated(tool, input, ctx, approvalAsker(server, extra));
    const structured = validateOutput === false ? data : tool.output.parse(data);
    const pictures = (images ?? []).map((i) => ({
      type: 'image' as const,
      data: i.data,
      mimeType: i.mimeType,
    }));
    return {
      content: [{ type: 'text', text: renderText(summary, lines) }, ...pictures],
      structuredContent: structured,
    };
  } catch (err) {
    return toErrorResult(err, log, tool.name);
  }
}

/**
 * A task-augmented call: the job is queued and started, and the client gets its task at once. A
 * refusal (bad input, a job already active) is a JSON-RPC error with our code, hint and details: a
 * client that asked for a task expects a task or an error, not a tool result.
 */
async function startTask(
  spec: ToolSpec,
  args: Record<string, unknown>,
  extra: Extra,
  server: Server,
  opts: RegisterToolsOptions,
): Promise<CreateTaskResult> {
  try {
    const tool = await spec.load();
    const ctx = contextOf(tool, extra, server, opts);
    const input = parseInput(tool, args);
    // Held calls are not offered for elicitation here: a task-augmented call answers at once.
    const hold = await holdIfListed(tool, input, ctx);
    if (hold) throw pending(hold.request);
    const { jobId } = await tool.task!.start(input, ctx);
    const job = await opts.deps.store.jobs.get(jobId);
    if (!job) throw new Error(`job ${jobId} vanished after it was queued`);
    return { task: taskOf(job) };
  } catch (err) {
    throw toProtocolError(err, opts.log, spec.name);
  }
}

async function taskStatus(store: RequestTaskStore, taskId: string): Promise<GetTaskResult> {
  const task = await store.getTask(taskId);
  if (!task) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId.slice(0, 100)}`);
  return task;
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

import type { z } from 'zod';
import type { ApprovalRequest } from '../governance/model/approval.js';
import type { Job } from '../governance/model/job.js';
import type { Caller } from '../governance/ports/caller.js';
import type { ModelSources } from '../governance/ports/model.js';
import type { Deps, Logger } from './deps.js';
import type { ToolEffect, Toolset } from './toolsets.js';

export interface ToolContext {
  deps: Deps;
  caller: Caller;
  log: Logger;
  signal: AbortSignal;
  /** Reports progress when the client asked for it (progressToken); a no-op otherwise. */
  progress: (done: number, total?: number, message?: string) => Promise<void>;
  /**
   * Models this call may use: `sampling` when the client declared the capability, `provider` when
   * the configuration names one. Empty without either: tools then work without a model.
   */
  models: ModelSources;
  /** Applies approved requests (src/mcp/approval-gate.ts). */
  approvals: ApprovalRuntime;
}

/** What applying an approval request came to: the tool's result when it succeeded, else its error. */
export interface Applied {
  request: ApprovalRequest;
  result?: ToolResult<unknown>;
  error?: unknown;
}

export interface ApprovalRuntime {
  /** Whether this server can apply a call of `tool` (it exposes that tool). */
  canApply(tool: string): boolean;
  /** Applies an `approved` request as its requester and records the outcome. */
  apply(request: ApprovalRequest, ctx: ToolContext): Promise<Applied>;
}

export interface ToolResult<O> {
  data: O;
  /** One line for the text content. */
  summary: string;
  /**
   * The data rendered compactly under the summary (text.ts: one line per listed item, the key
   * fields of a single one), for clients that forward only the text part; capped by renderText.
   */
  lines?: readonly string[];
  /** Pictures of the data (charts), sent as MCP image content after the text. */
  images?: readonly { data: string; mimeType: string }[];
}

/**
 * A tool whose work is a durable job may also run as an MCP task (`execution.taskSupport:
 * "optional"`): a client that asks for a task gets the job's id as the task id at once and follows
 * it with tasks/get and tasks/result; every other client gets the ordinary result from the handler.
 */
export interface TaskHooks<I, O> {
  /** The job kind whose finished jobs this tool turns into results. */
  kind: string;
  /** Checks the input, queues the job and starts it in the background; the job's id. */
  start(input: I, ctx: ToolContext): Promise<{ jobId: string }>;
  /** The result of a finished job (its error thrown as a DomainError when it did not succeed). */
  result(job: Job): ToolResult<O>;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  toolset: Toolset;
  effect: ToolEffect;
  /** Same input and same state give the same result and no extra change. */
  idempotent?: boolean;
  /** May reach beyond this server's store: GitHub, a configured model provider or the client's model. */
  openWorld?: boolean;
  input: I;
  output: O;
  handler(input: z.output<I>, ctx: ToolContext): Promise<ToolResult<z.input<O>>>;
  /** Also runs as an MCP task; the catalog entry says `task: 'optional'` too. */
  task?: TaskHooks<z.output<I>, z.input<O>>;
}

/** Identity function that keeps the input/output types tied to the handler. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  def: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return def;
}

/** The erased shape the registry works with (handler parameters are checked bivariantly as a method). */
export type AnyTool = ToolDefinition<z.ZodObject, z.ZodObject>;

import type { z } from 'zod';
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
}

/** Identity function that keeps the input/output types tied to the handler. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  def: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return def;
}

/** The erased shape the registry works with (handler parameters are checked bivariantly as a method). */
export type AnyTool = ToolDefinition<z.ZodObject, z.ZodObject>;

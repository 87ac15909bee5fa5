/**
 * A language model the core may ask for text: the connected client's model (MCP sampling) or an
 * OpenAI-compatible provider named by the configuration. The core never knows which transport or
 * package is behind it; adapters live in src/mcp/sampling.ts and src/llm/.
 */

/** What the request is for; a provider may map each to its own model (and fallback chain). */
export type ModelTask = 'planning' | 'analysis' | 'writing';

/** How a tool may produce its result: `auto` picks the best available, `heuristic` never asks a model. */
export const MODEL_METHODS = ['auto', 'heuristic', 'sampling', 'provider'] as const;
export type ModelMethod = (typeof MODEL_METHODS)[number];

export interface ModelRequest {
  task: ModelTask;
  system: string;
  prompt: string;
  maxTokens: number;
  /** Cancels the request (the tool call was cancelled). */
  signal?: AbortSignal;
}

export interface ModelReply {
  text: string;
  /** The model that answered, as the provider or client named it. */
  model: string;
}

export interface ModelPort {
  readonly kind: 'sampling' | 'provider';
  /**
   * One completion. Throws ModelFailure when no model answered (timeout, refusal, transport error,
   * every model of a fallback chain failed); its message is safe to show and to audit.
   */
  complete(req: ModelRequest): Promise<ModelReply>;
}

/** The models a call can use: sampling when the client declared it, provider when configured. */
export interface ModelSources {
  sampling?: ModelPort;
  provider?: ModelPort;
}

export class ModelFailure extends Error {
  override readonly name = 'ModelFailure';
  constructor(
    readonly reason: 'timeout' | 'unavailable' | 'refused' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

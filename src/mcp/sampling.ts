/**
 * The connected client's model, through MCP `sampling/createMessage`. Only offered when the client
 * declared the `sampling` capability at initialize; the request goes back over the same session.
 */
import { CreateMessageResultSchema, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { ModelFailure, type ModelPort, type ModelRequest } from '../governance/ports/model.js';

/** The part of the SDK's request handler `extra` this adapter needs. */
export interface SamplingChannel {
  sendRequest(
    request: ServerRequest,
    schema: typeof CreateMessageResultSchema,
    options?: { signal?: AbortSignal; timeout?: number },
  ): Promise<{ content: unknown; model: string }>;
}

export const SAMPLING_TIMEOUT_MS = 120_000;

const HINTS: Record<ModelRequest['task'], { intelligencePriority: number; speedPriority: number }> = {
  planning: { intelligencePriority: 0.9, speedPriority: 0.3 },
  analysis: { intelligencePriority: 0.8, speedPriority: 0.5 },
  writing: { intelligencePriority: 0.5, speedPriority: 0.7 },
};

export function samplingModel(channel: SamplingChannel, timeoutMs = SAMPLING_TIMEOUT_MS): ModelPort {
  return {
    kind: 'sampling',
    async complete(req) {
      let result;
      try {
        result = await channel.sendRequest(
          {
            method: 'sampling/createMessage',
            params: {
              systemPrompt: req.system,
              messages: [{ role: 'user', content: { type: 'text', text: req.prompt } }],
              maxTokens: req.maxTokens,
              includeContext: 'none',
              modelPreferences: HINTS[req.task],
            },
          },
          CreateMessageResultSchema,
          { ...(req.signal ? { signal: req.signal } : {}), timeout: timeoutMs },
        );
      } catch (err) {
        throw toFailure(err, req.signal);
      }
      const content = result.content as { type?: string; text?: string } | { type?: string; text?: string }[];
      const parts = Array.isArray(content) ? content : [content];
      const text = parts
        .filter((p) => p.type === 'text' && typeof p.text === 'string')
        .map((p) => p.text)
        .join('');
      if (text.length === 0) throw new ModelFailure('refused', 'The client model returned no text');
      return { text, model: result.model.slice(0, 200) };
    },
  };
}

function toFailure(err: unknown, signal: AbortSignal | undefined): ModelFailure {
  if (signal?.aborted) return new ModelFailure('cancelled', 'The request was cancelled');
  const e = err as { code?: number; message?: string };
  // -32001 is the SDK's RequestTimeout error code.
  if (e.code === -32001) return new ModelFailure('timeout', 'The client model did not answer in time');
  const msg = typeof e.message === 'string' ? e.message.slice(0, 300) : 'unknown error';
  return new ModelFailure('unavailable', `The client declined or failed the sampling request: ${msg}`);
}

/**
 * A client-side model for sampling tests: answers sampling/createMessage from a script, one entry
 * per request, and keeps every request it got. An Error entry makes the client fail the request.
 */
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { SamplingHandler } from './mcp.js';

export type ScriptEntry = string | Error;

export interface ScriptedSampling {
  handler: SamplingHandler;
  requests: CreateMessageRequest[];
  /** The text of the user message of request `i`. */
  prompt(i: number): string;
}

export function scriptedSampling(script: readonly ScriptEntry[], model = 'client-model-1'): ScriptedSampling {
  const requests: CreateMessageRequest[] = [];
  return {
    requests,
    prompt(i) {
      const content = requests[i]?.params.messages[0]?.content;
      return content && !Array.isArray(content) && content.type === 'text' ? content.text : '';
    },
    async handler(req): Promise<CreateMessageResult> {
      const entry = script[requests.length];
      requests.push(req);
      if (entry === undefined) throw new Error(`no scripted answer for request ${requests.length}`);
      if (entry instanceof Error) throw entry;
      return { role: 'assistant', content: { type: 'text', text: entry }, model };
    },
  };
}

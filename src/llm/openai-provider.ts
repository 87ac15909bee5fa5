/**
 * The core's ModelPort over an OpenAI-compatible chat completions API (OpenAI, Azure-style gateways,
 * vLLM, Ollama, LM Studio, llama.cpp server...). Each task has a chain of models: a model that
 * times out, is missing (404), rate limited or failing (5xx) passes the request to the next one.
 * Requests carry `response_format: json_object`; a model that rejects it (400/422) is asked again
 * without, and is not sent it again once that worked. Error messages never contain the API key.
 */
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import {
  ModelFailure,
  type ModelPort,
  type ModelRequest,
  type ModelTask,
} from '../governance/ports/model.js';

export interface OpenAiProviderOptions {
  /** e.g. http://127.0.0.1:11434/v1; required: no default endpoint is ever assumed. */
  baseUrl: string;
  /** Bearer token; absent, no Authorization header is sent (local servers). */
  apiKey?: string;
  /** Models per task, first choice first. */
  models: Readonly<Record<ModelTask, readonly string[]>>;
  /** Per request, i.e. per model of a chain. */
  timeoutMs: number;
}

/** Why one model failed, and whether the next model of the chain may do better. */
interface Attempt {
  message: string;
  timeout: boolean;
  next: boolean;
}

const MAX_DETAIL = 160;

export function openAiProvider(o: OpenAiProviderOptions): ModelPort {
  const client = new OpenAI({
    baseURL: o.baseUrl,
    // The SDK insists on a key; without one the header is removed below.
    apiKey: o.apiKey ?? 'unused',
    // Explicit nulls: the SDK would otherwise read OPENAI_ORG_ID, OPENAI_PROJECT_ID and
    // OPENAI_ADMIN_KEY from the environment and send them to whatever server this is.
    organization: null,
    project: null,
    adminAPIKey: null,
    timeout: o.timeoutMs,
    // The chain is the retry: an SDK retry of a timed-out request would double the wait.
    maxRetries: 0,
    ...(o.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
  });
  const noJsonMode = new Set<string>();
  const safe = (s: string) => (o.apiKey ? s.replaceAll(o.apiKey, '***') : s).slice(0, MAX_DETAIL);

  async function ask(model: string, req: ModelRequest, json: boolean) {
    const res = await client.chat.completions.create(
      {
        model,
        messages: [
          { role: 'system', content: req.system },
          { role: 'user', content: req.prompt },
        ],
        max_tokens: req.maxTokens,
        ...(json ? { response_format: { type: 'json_object' as const } } : {}),
      },
      req.signal ? { signal: req.signal } : {},
    );
    const text = res.choices[0]?.message?.content ?? '';
    if (text === '') throw new EmptyAnswer();
    return {
      text,
      model: (typeof res.model === 'string' && res.model !== '' ? res.model : model).slice(0, 200),
    };
  }

  async function once(model: string, req: ModelRequest) {
    if (noJsonMode.has(model)) return ask(model, req, false);
    try {
      return await ask(model, req, true);
    } catch (err) {
      if (!(err instanceof APIError) || (err.status !== 400 && err.status !== 422)) throw err;
      const reply = await ask(model, req, false);
      noJsonMode.add(model);
      return reply;
    }
  }

  function classify(err: unknown): Attempt {
    if (err instanceof EmptyAnswer) return { message: 'answered with no text', timeout: false, next: true };
    if (err instanceof APIConnectionTimeoutError) {
      return { message: `no answer within ${o.timeoutMs} ms`, timeout: true, next: true };
    }
    if (err instanceof APIError && err.status !== undefined) {
      const detail = safe(err.message);
      // Credentials are the server's, not the model's: another model will not fare better.
      const next = err.status !== 401 && err.status !== 403;
      return { message: `HTTP ${err.status}: ${detail}`, timeout: false, next };
    }
    if (err instanceof APIError)
      return { message: 'cannot connect to the provider', timeout: false, next: false };
    return { message: safe(err instanceof Error ? err.message : String(err)), timeout: false, next: true };
  }

  return {
    kind: 'provider',
    async complete(req) {
      const chain = o.models[req.task];
      const failures: string[] = [];
      let timeouts = 0;
      for (const model of chain) {
        try {
          return await once(model, req);
        } catch (err) {
          if (req.signal?.aborted || err instanceof APIUserAbortError) {
            throw new ModelFailure('cancelled', 'The request was cancelled');
          }
          const a = classify(err);
          failures.push(`${model}: ${a.message}`);
          if (a.timeout) timeouts++;
          if (!a.next) break;
        }
      }
      throw new ModelFailure(
        timeouts === failures.length && timeouts > 0 ? 'timeout' : 'unavailable',
        `The provider gave no answer (${failures.join('; ')})`,
      );
    },
  };
}

class EmptyAnswer extends Error {}

/**
 * Asking a model for JSON that a zod schema accepts: one request, and on invalid output one retry
 * that quotes the validation errors back. The caller falls back to its deterministic result when
 * this returns a failure; nothing here throws for a model's misbehaviour.
 */
import type * as z from 'zod';
import { DomainError } from '../errors.js';
import {
  ModelFailure,
  type ModelMethod,
  type ModelPort,
  type ModelSources,
  type ModelTask,
} from '../ports/model.js';

/** How a result was produced; stored with specs and in the audit trail. */
export interface GenerationMeta {
  /** What produced the result. */
  method: 'heuristic' | 'sampling' | 'provider';
  /** What the caller asked for. */
  requested: ModelMethod;
  /** The model that produced the accepted answer (null: none). */
  model: string | null;
  /** Wall time spent on model requests, all attempts included. */
  latencyMs: number;
  /** 0..1: the model's own estimate when it gave one and was accepted; a fixed figure for heuristics. */
  confidence: number;
  /** Model requests made (0, 1 or 2). */
  attempts: number;
  /** Why a model was asked but its answer not used (then `method` is heuristic); null otherwise. */
  fallback: string | null;
}

/**
 * Metadata of a result made without a model's answer: none was asked (`failed` absent), or one was
 * asked and its answer not used (`failed` says how the asking went).
 */
export function heuristicGeneration(
  requested: ModelMethod,
  confidence: number,
  failed?: { reason: string; attempts: number; latencyMs: number },
): GenerationMeta {
  return {
    method: 'heuristic',
    requested,
    model: null,
    latencyMs: failed?.latencyMs ?? 0,
    confidence,
    attempts: failed?.attempts ?? 0,
    fallback: failed?.reason ?? null,
  };
}

/**
 * The model a call uses for `method`: `heuristic` none; `sampling`/`provider` that one or
 * MODEL.UNAVAILABLE; `auto` the configured provider first (the organisation chose it), then the
 * client's model, then none.
 */
export function chooseModel(method: ModelMethod, sources: ModelSources): ModelPort | undefined {
  switch (method) {
    case 'heuristic':
      return undefined;
    case 'auto':
      return sources.provider ?? sources.sampling;
    case 'sampling':
      if (sources.sampling) return sources.sampling;
      throw new DomainError(
        'MODEL.UNAVAILABLE',
        'The client did not declare the sampling capability',
        'Use method "auto" or "heuristic", or connect with a client that supports sampling.',
      );
    case 'provider':
      if (sources.provider) return sources.provider;
      throw new DomainError(
        'MODEL.UNAVAILABLE',
        'No model provider is configured',
        'Use method "auto" or "heuristic", or set OPENAI_BASE_URL and a model (see the README).',
      );
  }
}

export interface ModelJsonRequest<T> {
  task: ModelTask;
  system: string;
  prompt: string;
  maxTokens: number;
  schema: z.ZodType<T>;
  signal?: AbortSignal;
  /** Milliseconds since some origin; latency is measured with it. */
  now: () => number;
}

export type ModelJsonResult<T> =
  | { ok: true; value: T; model: string; attempts: number; latencyMs: number }
  | { ok: false; reason: string; model: string | null; attempts: number; latencyMs: number };

const MAX_ISSUES_QUOTED = 20;

export async function askModelForJson<T>(
  port: ModelPort,
  req: ModelJsonRequest<T>,
): Promise<ModelJsonResult<T>> {
  const start = req.now();
  let prompt = req.prompt;
  let model: string | null = null;
  let reason = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    let text: string;
    try {
      const reply = await port.complete({
        task: req.task,
        system: req.system,
        prompt,
        maxTokens: req.maxTokens,
        ...(req.signal ? { signal: req.signal } : {}),
      });
      text = reply.text;
      model = reply.model;
    } catch (err) {
      if (!(err instanceof ModelFailure)) throw err;
      if (err.reason === 'cancelled') throw err;
      return { ok: false, reason: err.message, model, attempts: attempt, latencyMs: req.now() - start };
    }
    const parsed = parseJson(text);
    const checked = parsed.ok ? req.schema.safeParse(parsed.value) : undefined;
    if (checked?.success) {
      return {
        ok: true,
        value: checked.data,
        model,
        attempts: attempt,
        latencyMs: req.now() - start,
      };
    }
    const problems = checked
      ? checked.error.issues
          .slice(0, MAX_ISSUES_QUOTED)
          .map((i) => `- ${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('\n')
      : `- ${parsed.ok ? 'invalid' : parsed.error}`;
    reason = checked
      ? `the model's JSON did not match the schema (${checked.error.issues.length} issue(s))`
      : 'the model did not answer with JSON';
    prompt =
      `${req.prompt}\n\nYour previous answer was rejected:\n${problems}\n\n` +
      'Answer again with only the corrected JSON object, no prose and no code fence.';
  }
  return { ok: false, reason: `${reason}, twice`, model, attempts: 2, latencyMs: req.now() - start };
}

/** The JSON object in a reply: the whole text, or the first fenced block, or the outermost braces. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const candidates = [text.trim()];
  const fence = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text);
  if (fence?.[1]) candidates.push(fence[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      return { ok: true, value: JSON.parse(c) as unknown };
    } catch {
      // try the next candidate
    }
  }
  return { ok: false, error: 'the answer is not valid JSON' };
}

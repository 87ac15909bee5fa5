/**
 * A scripted OpenAI-compatible endpoint on 127.0.0.1 (POST /v1/chat/completions), to drive the
 * provider adapter over real HTTP. Each request takes the next step of its model's script (the
 * last step repeats); every request is recorded, so a test can also assert that none arrived.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  | { answer: string; model?: string }
  | { status: number; body?: unknown }
  | { hang: true }
  /** 400 when the request carries response_format, else `answer`. */
  | { rejectJsonMode: true; answer: string };

export interface RecordedRequest {
  path: string;
  model: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface FakeOpenAi {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export function completion(model: string, content: string): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

export async function fakeOpenAi(script: Record<string, readonly Step[]>): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  const used = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // recorded with an empty body
      }
      const model = typeof body.model === 'string' ? body.model : '';
      requests.push({ path: req.url ?? '', model, body, authorization: req.headers.authorization });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
        return send(404, { error: 'no route' });
      const steps = script[model];
      if (!steps || steps.length === 0) {
        return send(404, {
          error: { message: `The model '${model}' does not exist`, code: 'model_not_found' },
        });
      }
      const n = used.get(model) ?? 0;
      used.set(model, n + 1);
      const step = steps[Math.min(n, steps.length - 1)]!;
      if ('hang' in step) return; // never answers; close() drops the socket
      if ('status' in step) return send(step.status, step.body ?? { error: { message: 'scripted failure' } });
      if ('rejectJsonMode' in step && body.response_format !== undefined) {
        return send(400, { error: { message: "'response_format' is not supported by this model" } });
      }
      const answerModel = 'model' in step && step.model ? step.model : model;
      send(200, completion(answerModel, step.answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

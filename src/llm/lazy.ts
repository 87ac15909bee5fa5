/**
 * The provider as main.ts wires it: the `openai` package (and this adapter) load on the first model
 * request, so start-up, initialize and tools/list never pay for them.
 */
import { ModelFailure, type ModelPort } from '../governance/ports/model.js';
import type { OpenAiProviderOptions } from './openai-provider.js';

export function lazyOpenAiProvider(options: OpenAiProviderOptions): ModelPort {
  let pending: Promise<ModelPort> | undefined;
  const load = () =>
    (pending ??= import('./openai-provider.js').then(
      (m) => m.openAiProvider(options),
      (err: unknown) => {
        pending = undefined; // a later call may retry
        throw err;
      },
    ));
  return {
    kind: 'provider',
    async complete(req) {
      let port: ModelPort;
      try {
        port = await load();
      } catch {
        throw new ModelFailure('unavailable', 'The model provider client could not be loaded');
      }
      return port.complete(req);
    },
  };
}

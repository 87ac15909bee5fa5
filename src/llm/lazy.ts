/**
 * The provider as main.ts wires it: the `openai` package (and this adapter) load on the first model
 * request, so start-up, initialize and tools/list never pay for them.
 */
import { ModelFailure, type ModelPort } from '../governance/ports/model.js';
import { lazyOnce } from '../shared/lazy-once.js';
import type { OpenAiProviderOptions } from './openai-provider.js';

export function lazyOpenAiProvider(options: OpenAiProviderOptions): ModelPort {
  const port = lazyOnce(async () => (await import('./openai-provider.js')).openAiProvider(options));
  return {
    kind: 'provider',
    async complete(req) {
      let loaded: ModelPort;
      try {
        loaded = await port.get();
      } catch (cause) {
        // The message is what callers show and audit; the cause keeps the reason for the log.
        throw Object.assign(
          new ModelFailure('unavailable', 'The model provider client could not be loaded'),
          {
            cause,
          },
        );
      }
      return loaded.complete(req);
    },
  };
}

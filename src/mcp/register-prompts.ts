import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import type { PromptDefinition } from './define-prompt.js';
import type { Deps, Logger } from './deps.js';
import { toProtocolError } from './errors.js';

/** Registers prompts with argument completion; render errors become protocol errors with a code. */
export function registerPrompts(
  mcp: McpServer,
  prompts: readonly PromptDefinition[],
  deps: Deps,
  log: Logger,
): void {
  for (const p of prompts) {
    const shape = Object.fromEntries(
      Object.entries(p.args).map(([name, a]) => {
        const max = a.maxLength ?? 200;
        const base = (a.required ? z.string().max(max) : z.string().max(max).optional()).describe(
          a.description,
        );
        const complete = a.complete;
        const schema = complete
          ? completable(base, async (value, ctx) => {
              try {
                return await complete(deps, value ?? '', ctx?.arguments ?? {});
              } catch (err) {
                log.warn({ err, prompt: p.name, name }, 'completion failed');
                return [];
              }
            })
          : base;
        return [name, schema];
      }),
    );
    mcp.registerPrompt(
      p.name,
      { title: p.title, description: p.description, argsSchema: shape },
      async (args) => {
        try {
          return { messages: await p.render(deps, args) };
        } catch (err) {
          throw toProtocolError(err, log, `prompts/get ${p.name}`);
        }
      },
    );
  }
}

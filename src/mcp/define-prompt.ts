import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import type { Deps } from './deps.js';

export interface PromptArgument {
  description: string;
  required?: boolean;
  /** Longest accepted value in characters (default 200: names, ids, dates). */
  maxLength?: number;
  complete?: (deps: Deps, value: string, args: Record<string, string>) => Promise<string[]>;
}

export interface PromptDefinition {
  name: string;
  title: string;
  description: string;
  args: Record<string, PromptArgument>;
  render(deps: Deps, args: Record<string, string | undefined>): Promise<GetPromptResult['messages']>;
}

export function definePrompt(def: PromptDefinition): PromptDefinition {
  return def;
}

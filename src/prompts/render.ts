/** What the prompts share: workspace arguments, message builders, caps and the planning rules they quote. */
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import type { GovernanceConfig } from '../governance/config/schema.js';
import { DomainError } from '../governance/errors.js';
import { requiredSections } from '../governance/compliance/policy.js';
import { assertWorkspace } from '../governance/model/workspace.js';
import type { PromptArgument } from '../mcp/define-prompt.js';
import { completeOwner, completeRepo } from '../resources/complete.js';

type Message = GetPromptResult['messages'][number];

export const workspaceArgs: Record<'owner' | 'repo', PromptArgument> = {
  owner: { description: 'Repository owner', required: true, complete: completeOwner },
  repo: { description: 'Repository name', required: true, complete: completeRepo },
};

export const workspaceOf = (args: Record<string, string | undefined>): string =>
  assertWorkspace(`${args.owner ?? ''}/${args.repo ?? ''}`);

/** An optional argument with surrounding blanks dropped; blank counts as absent. */
export const optional = (v: string | undefined): string | undefined => v?.trim() || undefined;

export const ask = (text: string): Message => ({ role: 'user', content: { type: 'text', text } });

export const jsonData = (uri: string, body: unknown): Message => ({
  role: 'user',
  content: { type: 'resource', resource: { uri, mimeType: 'application/json', text: JSON.stringify(body) } },
});

export interface Capped<T> {
  items: T[];
  /** How many there were before the cap. */
  total: number;
  truncated: boolean;
}

export function cap<T>(list: readonly T[], max: number): Capped<T> {
  return { items: list.slice(0, max), total: list.length, truncated: list.length > max };
}

/** Said in the instructions whenever a list was cut, so the model does not take it as complete. */
export function truncationNote(lists: Record<string, { truncated: boolean; total?: number }>): string {
  const cut = Object.entries(lists).filter(([, l]) => l.truncated);
  if (cut.length === 0) return '';
  return (
    ` The data is truncated (${cut.map(([name]) => name).join(', ')}): ` +
    'say so, and read the rest with the tools before concluding anything about what is missing.'
  );
}

export function badArgument(name: string, message: string, hint: string): DomainError {
  return new DomainError('INPUT.INVALID', `Argument ${name}: ${message}`, hint, {
    issues: [{ path: name, message }],
  });
}

/** The structure and estimation rules a plan is held to. */
export function planningRules(c: GovernanceConfig) {
  return {
    maxFeaturesPerEpic: c.generation.maxFeaturesPerEpic,
    maxTasksPerFeature: c.generation.maxTasksPerFeature,
    estimationDays: c.generation.estimation,
    allowUnparentedTasks: c.structure.allowUnparentedTasks,
    requiredChildFeatures: c.templates.epic.requiredChildFeatures,
    requiredSections: requiredSections(c),
  };
}

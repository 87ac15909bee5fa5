import type * as z from 'zod';
import { DomainError } from '../errors.js';

/** Where a configuration problem was found: a stored override, or the merged result. */
export type ConfigSource = 'org' | 'repo' | 'effective';

export interface ConfigIssue {
  /** Dotted path into the document, e.g. `generation.maxFeaturesPerEpic`; `(root)` for the whole. */
  path: string;
  message: string;
  /** 1-based position in the policy file, when the configuration came from one. */
  line?: number;
  column?: number;
}

/** Issues listed in an error's details; the rest are counted. */
export const MAX_ISSUES = 20;

export const formatPath = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(root)';

/**
 * One issue per zod issue, except an unknown-keys issue, which becomes one issue per key with the
 * key in its path (so it names the misspelt key itself, and a policy file can point at its line).
 */
export function flattenZodIssues(error: z.ZodError): { path: PropertyKey[]; message: string }[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ path: [...i.path, k], message: `unknown key "${k}"` }));
    }
    if (i.code === 'invalid_key') {
      const why = i.issues.map((x) => x.message).join('; ');
      return [{ path: [...i.path], message: `invalid key "${String(i.path.at(-1))}": ${why}` }];
    }
    return [{ path: [...i.path], message: i.message }];
  });
}

export function configInvalid(source: ConfigSource, issues: ConfigIssue[], hint?: string): DomainError {
  const first = issues[0];
  const where = first ? ` at ${first.path}${first.line ? ` (line ${first.line}:${first.column})` : ''}` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new DomainError(
    'CONFIG.INVALID',
    `Invalid governance configuration (${source})${where}: ${first?.message ?? 'invalid'}${more}`,
    hint ?? 'Fix the listed fields and try again; nothing was changed.',
    {
      source,
      issues: issues.slice(0, MAX_ISSUES),
      ...(issues.length > MAX_ISSUES ? { total: issues.length } : {}),
    },
  );
}

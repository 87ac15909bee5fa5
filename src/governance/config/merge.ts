/**
 * The effective configuration of a repository: defaults, then the organisation's override, then the
 * repository's. Objects merge key by key, arrays and scalars replace, and the result must pass the
 * full schema (including the cross-section rules), so no scope can leave the whole inconsistent.
 */
import type * as z from 'zod';
import { configInvalid, flattenZodIssues, formatPath, type ConfigIssue } from './issues.js';
import { configOverrideSchema, type ConfigOverride, type OverrideScope } from './override.js';
import { governanceConfigSchema, type GovernanceConfig } from './schema.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const zodIssues = (error: z.ZodError): ConfigIssue[] =>
  flattenZodIssues(error).map((i) => ({ path: formatPath(i.path), message: i.message }));

/** Checks an override of one scope; returns it parsed (unknown keys and nulls are errors). */
export function validateOverride(scope: OverrideScope, override: unknown): ConfigOverride {
  const parsed = configOverrideSchema.safeParse(override ?? {});
  if (!parsed.success) throw configInvalid(scope, zodIssues(parsed.error));
  return parsed.data;
}

/**
 * Deep merge: `over`'s keys win; objects merge recursively; arrays and scalars replace; `undefined`
 * means "not set" (null never gets here: the override schema refuses it). Neither input is modified.
 */
export function mergeOver(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isObject(value)
      ? mergeOver(isObject(current) ? current : {}, value)
      : Array.isArray(value)
        ? [...(value as unknown[])]
        : value;
  }
  return out;
}

/** Defaults, then the organisation override, then the repository override; validated as a whole. */
export function effectiveConfig(
  defaults: GovernanceConfig,
  orgOverride?: ConfigOverride,
  repoOverride?: ConfigOverride,
): GovernanceConfig {
  const org = validateOverride('org', orgOverride);
  const repo = validateOverride('repo', repoOverride);
  const merged = mergeOver(mergeOver(defaults, org), repo);
  const parsed = governanceConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw configInvalid(
      'effective',
      zodIssues(parsed.error),
      'The overrides combine into an invalid configuration: change the listed fields in the repository or organisation override.',
    );
  }
  return parsed.data;
}

/**
 * The override an organisation or a repository stores (or a repository commits as
 * `.github/governance.yml`): the same document, every field optional at every depth. Objects stay
 * strict so that a misspelt key is an error rather than a silently ignored setting.
 */
import * as z from 'zod';
import { configShapeSchema, type GovernanceConfig } from './schema.js';

/** Every field optional at every depth; arrays and scalars are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type ConfigOverride = DeepPartial<GovernanceConfig>;

export const OVERRIDE_SCOPES = ['org', 'repo'] as const;
export type OverrideScope = (typeof OVERRIDE_SCOPES)[number];

/**
 * Derives the override schema from the full one: objects become strict objects of optional deep-partial
 * fields, record values become deep-partial (a new record entry is completed by the merge and checked
 * as a whole there), leaves keep their own checks. Cross-field rules are left to the merged result.
 */
function deepPartial(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    return z.strictObject(
      Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, deepPartial(v).optional()])),
    );
  }
  if (schema instanceof z.ZodRecord) {
    return z.record(schema.keyType as z.ZodString, deepPartial(schema.valueType as z.ZodType));
  }
  return schema;
}

// The derived schema's inferred type is lost in the walk; DeepPartial states it, and a test checks
// the two agree on the defaults and on sample overrides.
export const configOverrideSchema = deepPartial(configShapeSchema) as z.ZodType<ConfigOverride>;

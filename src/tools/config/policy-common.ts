/** Input and output schemas validate_policy and sync_policy share. */
import * as z from 'zod';
import { POLICY_SOURCE_KINDS } from '../../governance/ports/policy-source.js';

/** The repository's checkout under GF_POLICY_DIR. */
export const fileSource = z.object({ kind: z.literal('file') });

/** The repository on GitHub, at its default branch or `ref`. */
export const githubSource = z.object({
  kind: z.literal('github'),
  ref: z
    .string()
    // git check-ref-format, roughly: enough to refuse what cannot be a ref before asking GitHub.
    .regex(/^(?!.*\.\.)(?!\/)[^\s~^:?*[\\]{1,255}$/)
    .optional()
    .describe('Branch, tag or SHA'),
});

export const policyOrigin = z.object({
  kind: z.enum(POLICY_SOURCE_KINDS),
  location: z.string().describe('URL or path of the file'),
  ref: z.string().optional(),
  sha: z.string().optional().describe('Git blob SHA'),
});

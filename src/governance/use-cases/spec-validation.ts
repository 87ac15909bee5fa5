/**
 * The validation stage of a stored spec: the items a spec version wrote, checked in the same write
 * against the workspace's effective policy, as validate_hierarchy checks them. Violations do not
 * refuse the apply (the hierarchy is the organisation's to fix); errors mark the stage failed.
 */
import { checkStoredHierarchy } from '../compliance/check-stored.js';
import type { Severity } from '../compliance/types.js';
import type { GovernanceConfig } from '../config/schema.js';
import type { SpecPlan } from '../decompose/types.js';
import type { StageUpdate } from '../model/spec.js';
import type { ValidationContext } from './spec-store.js';
import type { WriteScope } from './write-scope.js';

export function specValidation(
  config: GovernanceConfig,
  plan: SpecPlan,
): (s: WriteScope, ctx: ValidationContext) => Promise<StageUpdate> {
  return async (s, ctx) => {
    const roots = new Set(plan.items.filter((i) => i.parentId === null).map((i) => i.id));
    const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
    let checked = 0;
    for (const item of ctx.items) {
      if (!roots.has(item.planId)) continue;
      checked += await checkStoredHierarchy(s.tx, {
        workspace: s.workspace,
        rootId: item.id,
        config,
        today: s.now,
        onViolations: (vs) => {
          for (const v of vs) counts[v.severity]++;
        },
      });
    }
    const { error, warning, info } = counts;
    return {
      state: error > 0 ? 'failed' : 'done',
      detail:
        `${checked} item(s) checked: ${error} error(s), ${warning} warning(s), ${info} info` +
        (error + warning + info > 0 ? '; validate_hierarchy lists them with fixes' : ''),
      counts: { checked, ...counts },
    };
  };
}

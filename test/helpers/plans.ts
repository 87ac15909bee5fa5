/** The plan apply_spec writes by rules for a workspace with configuration `config`. */
import { governPlan } from '../../src/governance/compliance/govern-plan.js';
import { decomposeOptionsOf } from '../../src/governance/config/decompose-options.js';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import type { GovernanceConfig } from '../../src/governance/config/schema.js';
import { decomposeSpec } from '../../src/governance/decompose/index.js';
import type { SpecPlan } from '../../src/governance/decompose/types.js';

export function governedPlan(text: string, now: string, config: GovernanceConfig = DEFAULT_CONFIG): SpecPlan {
  return governPlan(decomposeSpec(text, { ...decomposeOptionsOf(config), now }), config);
}

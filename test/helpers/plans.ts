/** The plan apply_spec writes by rules for a workspace with configuration `config`. */
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import type { GovernanceConfig } from '../../src/governance/config/schema.js';
import type { SpecPlan } from '../../src/governance/decompose/types.js';
import { rulePlan } from '../../src/governance/use-cases/plan-spec.js';

export const governedPlan = (
  text: string,
  now: string,
  config: GovernanceConfig = DEFAULT_CONFIG,
): SpecPlan => rulePlan(text, now, config);

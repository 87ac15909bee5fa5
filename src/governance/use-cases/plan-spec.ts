/**
 * A spec's plan by the method the caller asked for: the rule-based decomposer always runs first
 * (it validates the text: empty, binary and too-large specs fail here, before any model is asked,
 * and its plan is the model's draft and fallback), then the chosen model, if any, refines it.
 */
import { governPlan } from '../compliance/govern-plan.js';
import { decomposeOptionsOf } from '../config/decompose-options.js';
import type { GovernanceConfig } from '../config/schema.js';
import { decomposeSpec, type DecomposeOptions } from '../decompose/index.js';
import type { SpecPlan } from '../decompose/types.js';
import { HEURISTIC_CONFIDENCE, modelPlan, type PlanWithMeta } from '../decompose/model-plan.js';
import type { ModelMethod, ModelSources } from '../ports/model.js';
import { chooseModel, heuristicGeneration } from './model-json.js';

export interface PlanSpecCommand {
  text: string;
  method: ModelMethod;
  /** ISO date the milestone quarter comes from. */
  now: string;
  /** Explicit decomposer options; they win over those taken from `config`. */
  options?: Omit<DecomposeOptions, 'now'>;
  /**
   * The workspace's effective configuration: its generation rules, agents and milestone pattern
   * drive the decomposer, and its templates shape the plan (governPlan). Absent: the built-in
   * decomposer defaults, and no templates.
   */
  config?: GovernanceConfig;
}

/** The plan apply_spec writes by rules for a workspace with this configuration. */
export function rulePlan(text: string, now: string, config: GovernanceConfig): SpecPlan {
  return governPlan(decomposeSpec(text, { ...decomposeOptionsOf(config), now }), config);
}

/**
 * Throws DomainError for a bad spec and MODEL.UNAVAILABLE when the method names a model this call
 * does not have; a model that fails or misbehaves gives the rule-based plan (see model-plan.ts).
 * `clockMs` measures the latency (milliseconds since any origin).
 */
export async function planSpec(
  cmd: PlanSpecCommand,
  models: ModelSources,
  signal: AbortSignal | undefined,
  clockMs: () => number,
): Promise<PlanWithMeta> {
  const config = cmd.config;
  const options: DecomposeOptions = {
    ...(config ? decomposeOptionsOf(config) : {}),
    ...cmd.options,
    now: cmd.now,
  };
  const draft = decomposeSpec(cmd.text, options);
  const port = chooseModel(cmd.method, models);
  const result = port
    ? await modelPlan({
        text: cmd.text,
        draft,
        options,
        port,
        requested: cmd.method,
        ...(signal ? { signal } : {}),
        now: clockMs,
      })
    : { plan: draft, generation: heuristicGeneration(cmd.method, HEURISTIC_CONFIDENCE) };
  return config ? { ...result, plan: governPlan(result.plan, config) } : result;
}

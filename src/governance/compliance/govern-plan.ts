/**
 * A plan made to follow the workspace's templates before anything is written: titles take their
 * type's pattern (`Epic: {name}`), items get their type's default labels, and descriptions get the
 * description template (when empty) and every required section. A section the spec said nothing
 * about gets a `(draft)` line, which validate_hierarchy still reports as missing: the plan says
 * what is to be written, it does not pretend it was.
 */
import type { GovernanceConfig } from '../config/schema.js';
import type { PlanItem } from '../decompose/types.js';
import { LIMITS } from '../model/work-item.js';
import { applyTitlePattern, buildPolicy, requiredSections } from './policy.js';
import { DRAFT_MARK, fillSections } from './sections.js';

export function governPlan<I extends PlanItem, P extends { items: readonly I[] }>(
  plan: P,
  config: GovernanceConfig,
): P {
  const policy = buildPolicy(config, '1970-01-01');
  const sections = requiredSections(config);
  const items = plan.items.map((item): I => {
    const template = config.templates[item.type];
    const title = policy.titleRe[item.type].test(item.title)
      ? item.title
      : applyTitlePattern(template.titlePattern, item.title);
    const labels = [...new Set([...template.defaultLabels, ...item.labels])].slice(0, LIMITS.labels);
    const required = sections[item.type];
    const base = item.description.trim() === '' ? template.descriptionTemplate : item.description;
    const description = fillSections(
      base,
      required.map((name) => ({ name, lines: [DRAFT_MARK] })),
    );
    return {
      ...item,
      title: title.length <= LIMITS.title ? title : item.title,
      labels,
      description: description.length <= LIMITS.description ? description : item.description,
    };
  });
  return { ...plan, items };
}

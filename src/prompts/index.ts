import type { PromptDefinition } from '../mcp/define-prompt.js';
import { complianceReviewPrompt } from './compliance-review.js';
import { decomposeSpecPrompt } from './decompose-spec.js';
import { reviewPlanPrompt } from './review-plan.js';
import { sprintPlanPrompt } from './sprint-plan.js';
import { statusReportPrompt } from './status-report.js';

export const allPrompts: readonly PromptDefinition[] = [
  statusReportPrompt,
  decomposeSpecPrompt,
  reviewPlanPrompt,
  complianceReviewPrompt,
  sprintPlanPrompt,
];

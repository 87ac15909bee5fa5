import type { PromptDefinition } from '../mcp/define-prompt.js';
import { statusReportPrompt } from './status-report.js';

export const allPrompts: readonly PromptDefinition[] = [statusReportPrompt];

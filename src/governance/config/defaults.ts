/**
 * What a new workspace is governed by before anyone configures anything. Organisation and repository
 * overrides are merged over this (./merge.ts). Estimates are in working days (a week is 5).
 */
import { DEFAULT_POLICY } from '../model/workspace.js';
import { CONFIG_SCHEMA_VERSION, type AgentConfig, type GovernanceConfig } from './schema.js';

const agent = (
  capabilities: string[],
  specializations: string[],
  assignmentPriority: number,
  maxConcurrentTasks: number,
): AgentConfig => ({
  capabilities,
  specializations,
  assignmentPriority,
  maxConcurrentTasks,
  escalateAfterDaysOverdue: 2,
});

export const DEFAULT_CONFIG: GovernanceConfig = {
  version: CONFIG_SCHEMA_VERSION,
  templates: {
    epic: {
      titlePattern: 'Epic: {name}',
      descriptionTemplate: '## Overview\n\n## Goals\n\n## Acceptance criteria\n',
      defaultLabels: ['type:epic'],
      requiredSections: ['Overview', 'Acceptance criteria'],
      requiredChildFeatures: [],
    },
    feature: {
      titlePattern: 'Feature: {name}',
      descriptionTemplate: '## Description\n\n## Acceptance criteria\n\n## Technical notes\n',
      defaultLabels: ['type:feature'],
      requiredSections: ['Acceptance criteria', 'Technical notes'],
    },
    task: {
      titlePattern: 'Task: {name}',
      descriptionTemplate: '## Description\n\n## Acceptance criteria\n',
      defaultLabels: ['type:task'],
      requiredSections: ['Acceptance criteria'],
    },
  },
  generation: {
    maxFeaturesPerEpic: 8,
    maxTasksPerFeature: 10,
    autoTaskBreakdown: true,
    estimation: {
      simple: { minDays: 1, maxDays: 3 },
      medium: { minDays: 5, maxDays: 10 },
      complex: { minDays: 10, maxDays: 20 },
    },
  },
  structure: {
    allowUnparentedTasks: DEFAULT_POLICY.allowUnparentedTasks,
  },
  agents: {
    'agent:orchestrator': agent(
      ['planning', 'decomposition', 'coordination'],
      ['epic breakdown', 'dependency management'],
      90,
      10,
    ),
    'agent:dev': agent(['implementation', 'refactoring', 'code review'], ['typescript', 'backend'], 70, 3),
    'agent:qa': agent(['testing', 'test automation'], ['regression', 'end-to-end'], 60, 5),
    'agent:security': agent(['security review', 'threat modelling'], ['dependencies', 'secrets'], 80, 3),
    'agent:pm': agent(['prioritisation', 'reporting', 'milestone planning'], ['roadmaps'], 50, 10),
  },
  milestones: {
    defaultDurationDays: 14,
    autoCreate: false,
    namingPattern: 'Q{quarter}-{year}-{epic_name}',
  },
  rules: {
    dependencies: 'warn',
  },
  compliance: {
    auditRequired: true,
    approvals: {
      epicCreation: { required: false, minApprovals: 1, approvers: [] },
      milestoneChanges: { required: false, minApprovals: 1, approvers: [] },
      actions: {},
      expiresAfterHours: 72,
      elicitation: true,
      elicitationTimeoutSeconds: 60,
    },
    requiredDocumentation: {
      epic: ['Overview', 'Acceptance criteria'],
      feature: ['Acceptance criteria'],
      task: [],
    },
    completionGates: ['acceptanceCriteria', 'requiredSections', 'linkedPullRequest'],
    rules: {},
  },
  labels: {
    type: {
      epic: { name: 'type:epic', color: '3e4b9e', description: 'A large body of work, split into features' },
      feature: { name: 'type:feature', color: '0075ca', description: 'A deliverable capability of an epic' },
      task: { name: 'type:task', color: 'a2eeef', description: 'A unit of work of a feature' },
    },
    priority: {
      critical: { name: 'priority:critical', color: 'b60205', description: 'Drop everything' },
      high: { name: 'priority:high', color: 'd93f0b', description: 'Next in line' },
      medium: { name: 'priority:medium', color: 'fbca04', description: 'Planned work' },
      low: { name: 'priority:low', color: '0e8a16', description: 'When there is time' },
    },
    agent: {
      'agent:orchestrator': {
        name: 'agent:orchestrator',
        color: '5319e7',
        description: 'Planning and coordination',
      },
      'agent:dev': { name: 'agent:dev', color: '1d76db', description: 'Implementation' },
      'agent:qa': { name: 'agent:qa', color: 'c5def5', description: 'Testing and quality' },
      'agent:security': { name: 'agent:security', color: 'e99695', description: 'Security review' },
      'agent:pm': { name: 'agent:pm', color: 'bfd4f2', description: 'Product and delivery management' },
    },
  },
};

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import { configDiff, type ConfigChange } from '../../../src/governance/config/diff.js';
import { effectiveConfig } from '../../../src/governance/config/merge.js';
import type { ConfigOverride } from '../../../src/governance/config/override.js';

describe('configDiff', () => {
  it.each<{ name: string; a: unknown; b: unknown; want: ConfigChange[] }>([
    { name: 'equal', a: { x: 1, y: [1, 2] }, b: { x: 1, y: [1, 2] }, want: [] },
    {
      name: 'one leaf',
      a: { g: { max: 8 } },
      b: { g: { max: 5 } },
      want: [{ path: 'g.max', old: 8, new: 5 }],
    },
    {
      name: 'arrays compared whole',
      a: { l: ['a', 'b'] },
      b: { l: ['b', 'a'] },
      want: [{ path: 'l', old: ['a', 'b'], new: ['b', 'a'] }],
    },
    {
      name: 'document order: a keys first, then keys only b has',
      a: { z: 1, a: { m: 1, n: 2 } },
      b: { new: 0, a: { n: 3, m: 2 }, z: 2 },
      want: [
        { path: 'z', old: 1, new: 2 },
        { path: 'a.m', old: 1, new: 2 },
        { path: 'a.n', old: 2, new: 3 },
        { path: 'new', old: null, new: 0 },
      ],
    },
    {
      name: 'added object listed leaf by leaf',
      a: { agents: {} },
      b: { agents: { 'agent:x': { p: 1, caps: ['c'] } } },
      want: [
        { path: 'agents.agent:x.p', old: null, new: 1 },
        { path: 'agents.agent:x.caps', old: null, new: ['c'] },
      ],
    },
    {
      name: 'removed object listed leaf by leaf',
      a: { agents: { 'agent:x': { p: 1 } } },
      b: { agents: {} },
      want: [{ path: 'agents.agent:x.p', old: 1, new: null }],
    },
    {
      name: 'object replaced by a scalar',
      a: { k: { p: 1 } },
      b: { k: 2 },
      want: [
        { path: 'k.p', old: 1, new: null },
        { path: 'k', old: null, new: 2 },
      ],
    },
    { name: 'booleans', a: { f: false }, b: { f: true }, want: [{ path: 'f', old: false, new: true }] },
  ])('$name', ({ a, b, want }) => {
    expect(configDiff(a, b)).toEqual(want);
  });

  it('lists what overrides change in the defaults, in schema order', () => {
    const repo: ConfigOverride = {
      labels: { priority: { low: { color: 'c2e0c6' } } },
      generation: { maxFeaturesPerEpic: 6, estimation: { complex: { maxDays: 30 } } },
      templates: { task: { requiredSections: ['Acceptance criteria', 'Test plan'] } },
    };
    expect(configDiff(DEFAULT_CONFIG, effectiveConfig(DEFAULT_CONFIG, undefined, repo))).toEqual([
      {
        path: 'templates.task.requiredSections',
        old: ['Acceptance criteria'],
        new: ['Acceptance criteria', 'Test plan'],
      },
      { path: 'generation.maxFeaturesPerEpic', old: 8, new: 6 },
      { path: 'generation.estimation.complex.maxDays', old: 20, new: 30 },
      { path: 'labels.priority.low.color', old: '0e8a16', new: 'c2e0c6' },
    ]);
  });
});

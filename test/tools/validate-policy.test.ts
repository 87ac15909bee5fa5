import { describe, expect, it } from 'vitest';
import { useClient } from '../helpers/mcp.js';

const c = useClient();

describe('validate_policy', () => {
  it('accepts a valid file and lists what it changes from the defaults', async () => {
    const yaml = ['generation:', '  maxFeaturesPerEpic: 5', ''].join('\n');
    const r = await c().ok('validate_policy', { yaml });
    expect(r).toEqual({
      ok: true,
      issues: [],
      changes: [{ path: 'generation.maxFeaturesPerEpic', old: 8, new: 5 }],
    });
  });

  it('accepts an empty file', async () => {
    expect(await c().ok('validate_policy', { yaml: '# nothing yet\n' })).toEqual({
      ok: true,
      issues: [],
      changes: [],
    });
  });

  it.each([
    {
      name: 'a YAML syntax error',
      yaml: 'generation:\n  maxFeaturesPerEpic: [5\n',
      line: expect.any(Number),
    },
    {
      name: 'an unknown key',
      yaml: 'generation:\n  maxFeaturesPerEpik: 5\n',
      line: 2,
      path: 'generation.maxFeaturesPerEpik',
    },
    {
      name: 'a value out of bounds',
      yaml: 'generation:\n  maxFeaturesPerEpic: -3\n',
      line: 2,
      path: 'generation.maxFeaturesPerEpic',
    },
  ])('reports $name with its line and changes nothing', async ({ yaml, line, path }) => {
    const before = await c().auditSeq();
    const r = await c().ok('validate_policy', { yaml });
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ line, ...(path ? { path } : {}) });
    expect(await c().auditSeq()).toBe(before);
  });

  it('refuses a file over the size limit as bad input', async () => {
    expect(await c().err('validate_policy', { yaml: `# ${'x'.repeat(270_000)}\n` })).toBe('POLICY.TOO_LARGE');
  });
});

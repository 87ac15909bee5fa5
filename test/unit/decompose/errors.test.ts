import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isDomainError } from '../../../src/governance/errors.js';
import { decomposeSpec, type DecomposeOptions } from '../../../src/governance/decompose/index.js';

const codeOf = (text: string, options: Partial<DecomposeOptions> = {}): string => {
  try {
    decomposeSpec(text, { now: '2025-01-01', ...options });
  } catch (e) {
    if (isDomainError(e)) {
      expect(e.hint).not.toBe('');
      return e.code;
    }
    throw e;
  }
  return 'ok';
};

describe('decomposeSpec: bad input', () => {
  it.each([
    { name: 'empty', text: '', code: 'SPEC.EMPTY' },
    { name: 'whitespace only', text: ' \n\t\n  \r\n', code: 'SPEC.EMPTY' },
    { name: 'headings and rules only', text: '# A\n\n## B\n\n---\n', code: 'SPEC.EMPTY' },
    { name: 'NUL byte', text: '## E\n- a\u0000b\n', code: 'SPEC.BINARY' },
    { name: 'many control characters', text: `## E\n- ${'\u0001\u0002'.repeat(50)}\n`, code: 'SPEC.BINARY' },
    {
      name: 'replacement characters of undecodable bytes',
      text: '\ufffd'.repeat(30) + 'x'.repeat(100),
      code: 'SPEC.BINARY',
    },
    { name: 'over 1 MiB', text: `## E\n${'- task\n'.repeat(150_000)}`, code: 'SPEC.TOO_LARGE' },
    { name: 'exactly 1 MiB is fine', text: `## E\n- ${'x'.repeat(1_048_576 - 8)}\n`, code: 'ok' },
    {
      name: 'multi-byte characters count as UTF-8 bytes',
      text: `## E\n- ${'é'.repeat(600_000)}\n`,
      code: 'SPEC.TOO_LARGE',
    },
    {
      name: 'a few control characters are fine',
      text: `## E\n- form\u000cfeed and a \u0007 bell\n${'- plain task\n'.repeat(20)}`,
      code: 'ok',
    },
  ])('$name -> $code', ({ text, code }) => {
    expect(codeOf(text)).toBe(code);
  });

  it.each([
    [{ now: 'yesterday' }],
    [{ now: '2025-13-01' }],
    [{ maxTasksPerFeature: 0 }],
    [{ maxFeaturesPerEpic: 1.5 }],
    [{ estimation: { simple: [3, 1], medium: [5, 10], complex: [10, 20] } as const }],
    [{ milestoneTemplate: ' ' }],
  ])('invalid options %j -> INPUT.INVALID', (options) => {
    expect(codeOf('## E\n- a\n', options)).toBe('INPUT.INVALID');
  });

  it('honours a smaller maxBytes and reports the sizes', () => {
    try {
      decomposeSpec('## E\n- abcdef\n', { now: '2025-01-01', maxBytes: 10 });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'SPEC.TOO_LARGE', details: { limit: 10 } });
    }
  });

  it('the spec codes are registered stable codes', () => {
    expect(ERROR_CODES).toEqual(expect.arrayContaining(['SPEC.EMPTY', 'SPEC.BINARY', 'SPEC.TOO_LARGE']));
  });
});

// Deterministic spec decomposition on generated markdown specs of 100 KB and 1 MB.
// Targets (issue 3): median at most 30 ms (100 KB) and 300 ms (1 MB).
// Usage: node --import tsx bench/decompose.mjs [--runs 20]
import { performance } from 'node:perf_hooks';
import { prng as rng } from '../src/governance/analytics/delivery.ts';
import { decomposeSpec } from '../src/governance/decompose/index.ts';
import { summarize } from './lib.mjs';

const argv = process.argv.slice(2);
const runs = argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 20;

const VERBS = [
  'Implement',
  'Build',
  'Test',
  'Document',
  'Design',
  'Verify',
  'Integrate',
  'Encrypt',
  'Migrate',
];
const NOUNS = [
  'login API',
  'billing endpoint',
  'audit log',
  'search index',
  'user profile UI',
  'permission model',
  'export job',
  'notification service',
  'rate limiter',
  'report builder',
  'webhook receiver',
  'cache layer',
];
const WORDS = [
  'the',
  'system',
  'must',
  'should',
  'users',
  'data',
  'within',
  'seconds',
  'request',
  'secure',
  'each',
  'record',
  'is',
  'stored',
  'and',
  'retried',
  'on',
  'failure',
  'with',
  'clear',
  'errors',
];
const TAGS = ['', '', '', ' (Must have)', ' (Should have)', ' (P1)', ' [3d]', ' (complex)', ' (small)'];

/** A realistic PRD: title, intro, epics (##) with features (###), tasks, sub-bullets, criteria, code. */
export function generateSpec(targetBytes, seed = 42) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const sentence = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ') + '.';
  const out = ['# Product requirements', '', sentence(20), ''];
  let size = 0;
  let e = 0;
  let prevTask = null;
  while (size < targetBytes) {
    e++;
    const epic = [
      `## ${e}. ${pick(NOUNS)} platform${pick(TAGS)}`,
      '',
      sentence(25),
      `Target: Q${1 + (e % 4)} 2026`,
      '',
    ];
    const features = 2 + Math.floor(r() * 6);
    for (let f = 1; f <= features; f++) {
      epic.push(`### ${e}.${f} ${pick(VERBS)} ${pick(NOUNS)}${pick(TAGS)}`, '', sentence(15), '');
      const tasks = 2 + Math.floor(r() * 10);
      for (let t = 1; t <= tasks; t++) {
        const title = `${pick(VERBS)} ${pick(NOUNS)} step ${e}.${f}.${t}${pick(TAGS)}`;
        const dep = prevTask && r() < 0.15 ? ` (depends on ${prevTask})` : '';
        epic.push(`- ${r() < 0.3 ? '[ ] ' : ''}${title}${dep}`);
        for (let s = Math.floor(r() * 3); s > 0; s--) epic.push(`  - ${sentence(6)}`);
        prevTask = title.replace(/ \(.*|\[.*/, '');
      }
      epic.push('');
      if (r() < 0.4) epic.push('Acceptance criteria:', `- ${sentence(8)}`, `- ${sentence(8)}`, '');
      if (r() < 0.1) epic.push('```ts', '// - not a task', '# not a heading', '```', '');
    }
    const text = epic.join('\n');
    if (size > 0 && size + text.length + 1 > targetBytes) break;
    size += text.length + 1;
    out.push(text);
  }
  return out.join('\n');
}

function bench(name, text, targetMs) {
  const options = { now: '2026-01-15' };
  decomposeSpec(text, options); // warm-up
  const samples = [];
  let plan;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    plan = decomposeSpec(text, options);
    samples.push(performance.now() - t0);
  }
  const s = summarize(samples);
  return {
    name,
    bytes: Buffer.byteLength(text),
    lines: plan.stats.lines,
    items: plan.items.length,
    links: plan.links.length,
    targetMedianMs: targetMs,
    ...s,
    withinTarget: s.median <= targetMs,
  };
}

const results = [
  bench('spec-100KB', generateSpec(100 * 1024), 30),
  bench('spec-1MB', generateSpec(1024 * 1024 - 1024), 300),
];
console.log(JSON.stringify({ bench: 'decompose', runs, node: process.version, results }, null, 2));
if (results.some((r) => !r.withinTarget)) process.exitCode = 1;

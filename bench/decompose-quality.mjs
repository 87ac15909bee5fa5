// How close the rule-based plan of each spec in test/fixtures/specs/ is to what a reviewer expects
// (its hand-made *.golden.json), under the default policy. Prints one JSON object: per spec and
// overall, the share of sampled lines placed as the golden file says, tasks from non-work sections,
// features without tasks, task titles starting with a verb, dependency links found of those the
// spec states, duplicate titles, and the golden epics found.
// Targets: placed >= 85%, nonWorkTasks 0, featuresWithoutTasks <= 5%, verbFirst >= 90%.
// Usage: node --import tsx bench/decompose-quality.mjs [--dir test/fixtures/specs] [--misses]
//   --misses lists every sampled line the plan places differently, with where it went.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nlp from 'compromise';
import { DEFAULT_CONFIG } from '../src/governance/config/defaults.ts';
import { rulePlan } from '../src/governance/use-cases/plan-spec.ts';

const argv = process.argv.slice(2);
const dir = argv.includes('--dir') ? argv[argv.indexOf('--dir') + 1] : 'test/fixtures/specs';
const showMisses = argv.includes('--misses');
const NOW = '2027-01-15T00:00:00.000Z';

const clean = (t) =>
  t
    .replace(/\*\*|__|`/g, '')
    .replace(/\s+#+\s*$/, '')
    .trim();

/** Headings outside code fences: 1-based line, level, text, path ("A > B > C"), end of section. */
function headings(lines) {
  const out = [];
  const stack = [];
  let fence = null;
  lines.forEach((l, i) => {
    const f = /^\s*(```+|~~~+)/.exec(l);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      return;
    }
    if (fence) return;
    const m = /^(#{1,6})\s+(.*)$/.exec(l);
    if (!m) return;
    const level = m[1].length;
    const text = clean(m[2]);
    while (stack.length && stack.at(-1).level >= level) stack.pop();
    const path = [...stack.map((s) => s.text), text].join(' > ');
    stack.push({ level, text });
    out.push({ line: i + 1, level, text, path, end: lines.length });
  });
  for (let i = 0; i < out.length; i++) {
    const next = out.slice(i + 1).find((h) => h.level <= out[i].level);
    if (next) out[i].end = next.line - 1;
  }
  return out;
}

/** "Please <title>": the title starts with a verb when compromise tags its first word a verb. */
function verbFirst(title) {
  // The policy's title template may put the type first (`Task: `): the title proper follows it.
  const words = title.replace(/^(?:epic|feature|task|story):\s*/i, '').replace(/^[^\p{L}]+/u, '');
  if (!words) return false;
  const terms = nlp(`Please ${words.charAt(0).toLowerCase()}${words.slice(1)}`)
    .terms()
    .json();
  return terms[1]?.terms?.[0]?.tags?.includes('Verb') ?? false;
}

const DEPTH = { epic: 0, feature: 1, task: 2 };

function evaluate(specFile, golden) {
  const text = readFileSync(specFile, 'utf8');
  const lines = text.split(/\r\n|\r|\n/);
  const heads = headings(lines);
  const plan = rulePlan(text, NOW, DEFAULT_CONFIG);
  const byId = new Map(plan.items.map((i) => [i.id, i]));
  const bare = (t) =>
    clean(t)
      .replace(/^(?:epic|feature|task):\s*/i, '')
      .replace(/\s*\(part \d+\)$/, '');
  const sectionOf = (item) => {
    // An epic or feature named after a heading in its range is that heading's section (an epic's
    // range may start before its heading, with the context it was given).
    if (item.type !== 'task') {
      const own = heads.find(
        (x) =>
          x.line >= item.source.startLine && x.line <= item.source.endLine && x.text === bare(item.title),
      );
      if (own) return own.path;
    }
    let h = null;
    for (const x of heads) if (x.line <= item.source.startLine) h = x;
    return h?.path ?? '';
  };
  const deepest = (line) => {
    let best = null;
    for (const it of plan.items) {
      if (it.source.startLine > line || it.source.endLine < line) continue;
      if (!best || DEPTH[it.type] > DEPTH[best.type]) best = it;
    }
    return best;
  };
  const lineOf = (t) => lines.findIndex((l) => l.includes(t)) + 1;
  const norm = (s) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  const title = heads[0]?.path;
  const within = (item, under) => {
    const s = sectionOf(item);
    return s === under || (item.type !== 'task' && under.startsWith(`${s} > `));
  };

  const misses = [];
  let placed = 0;
  for (const g of golden.lines) {
    const line = lineOf(g.text);
    const it = deepest(line);
    let ok = false;
    if (it) {
      if (g.as === 'task') {
        const owner = it.type === 'task' ? byId.get(it.parentId) : null;
        ok = owner !== null && owner !== undefined && within(owner, g.under);
      } else if (g.as === 'detail') {
        const start = lineOf(g.of);
        ok = it.type === 'task' && it.source.startLine <= start && start <= it.source.endLine;
      } else if (g.as === 'none') {
        ok = it.type !== 'task';
      } else {
        const root = g.under === title;
        ok = it.type !== 'task' && (root ? it.type === 'epic' || within(it, g.under) : within(it, g.under));
        if (ok && g.as === 'criterion') {
          const t = norm(g.text);
          ok = it.acceptanceCriteria.some((a) => norm(a).includes(t));
        }
      }
    }
    if (ok) placed++;
    else
      misses.push({
        line,
        as: g.as,
        under: g.under,
        got: it ? `${it.type} "${it.title.slice(0, 60)}" in ${sectionOf(it)}` : 'no item',
        text: g.text.slice(0, 70),
      });
  }

  const nonWork = heads.filter((h) => golden.nonWork.includes(h.text));
  const tasks = plan.items.filter((i) => i.type === 'task');
  const nonWorkTasks = tasks.filter((t) =>
    nonWork.some((h) => t.source.startLine > h.line && t.source.startLine <= h.end),
  );
  const features = plan.items.filter((i) => i.type === 'feature');
  const childCount = new Map();
  for (const t of tasks) childCount.set(t.parentId, (childCount.get(t.parentId) ?? 0) + 1);
  const empty = features.filter((f) => !childCount.has(f.id));
  const epics = plan.items.filter((i) => i.type === 'epic');
  const epicsFound = golden.epics.filter((e) => epics.some((x) => sectionOf(x).split(' > ').at(-1) === e));

  const range = (name) => heads.find((h) => h.text === name);
  const inRange = (item, h) => {
    if (!h) return false;
    const s = sectionOf(item);
    return s === h.path || s.startsWith(`${h.path} > `);
  };
  const depsFound = golden.dependencies.filter((d) => {
    const from = range(d.from);
    const to = range(d.to);
    return plan.links.some((l) => inRange(byId.get(l.fromId), from) && inRange(byId.get(l.toId), to));
  });
  const dupTitles = (() => {
    const seen = new Map();
    for (const i of plan.items) {
      if (i.type === 'feature' && /\(part \d+\)$/.test(i.title)) continue;
      const k = `${i.type}:${norm(i.title)}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    return [...seen.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
  })();
  return {
    spec: golden.spec,
    style: golden.style,
    sampled: golden.lines.length,
    placed,
    items: plan.items.length,
    epics: epics.length,
    features: features.length,
    tasks: tasks.length,
    nonWorkTasks: nonWorkTasks.length,
    featuresWithoutTasks: empty.length,
    verbFirstTasks: tasks.filter((t) => verbFirst(t.title)).length,
    links: plan.links.length,
    dependenciesStated: golden.dependencies.length,
    dependenciesFound: depsFound.length,
    duplicateTitles: dupTitles,
    goldenEpics: golden.epics.length,
    goldenEpicsFound: epicsFound.length,
    warnings: plan.warnings.length,
    ...(showMisses && { misses }),
  };
}

const pct = (a, b) => (b === 0 ? null : Math.round((1000 * a) / b) / 10);
const specs = readdirSync(dir)
  .filter((f) => f.endsWith('.golden.json'))
  .sort();
const results = specs.map((g) => {
  const golden = JSON.parse(readFileSync(join(dir, g), 'utf8'));
  return evaluate(join(dir, golden.spec), golden);
});
const total = (k) => results.reduce((a, r) => a + r[k], 0);
console.log(
  JSON.stringify(
    {
      bench: 'decompose-quality',
      specs: results.length,
      overall: {
        placedPct: pct(total('placed'), total('sampled')),
        nonWorkTasks: total('nonWorkTasks'),
        featuresWithoutTasksPct: pct(total('featuresWithoutTasks'), total('features')),
        verbFirstPct: pct(total('verbFirstTasks'), total('tasks')),
        links: total('links'),
        dependenciesFoundPct: pct(total('dependenciesFound'), total('dependenciesStated')),
        duplicateTitles: total('duplicateTitles'),
        goldenEpicsFoundPct: pct(total('goldenEpicsFound'), total('goldenEpics')),
      },
      perSpec: results.map((r) => ({
        ...r,
        placedPct: pct(r.placed, r.sampled),
        verbFirstPct: pct(r.verbFirstTasks, r.tasks),
      })),
    },
    null,
    2,
  ),
);

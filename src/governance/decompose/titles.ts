/**
 * Actionable task titles: a spec line (a bullet, a checkbox, a requirement, a label and its value)
 * becomes a short imperative title, verb first, with the markup, status marks and numbering the
 * line carried. Parts of speech come from compromise; the rules only reshape what it finds.
 *
 * Shapes, tried in order on the cleaned text (its first sentence, at most 120 characters):
 * - `POST /v1/orders …`: an endpoint is implemented (`Implement POST /v1/orders …`), unless a verb
 *   follows it (`GET /x supports paging` -> `Ensure GET /x supports paging`).
 * - `CREATE TABLE invoices`: a statement in capitals reads as its words (`Create table invoices`).
 * - a question is to be decided (`Decide: Who owns …?`).
 * - `Given …, When …, Then …` is to be verified (`Verify <then> when <when>`).
 * - `As a teacher I want to grade quizzes so that …` -> `Grade quizzes (teacher)`.
 * - `<subject> must/shall/can … X`: with a one-noun subject (`The system`) -> `X`; with a person
 *   (`Users`) -> `Allow users to X`; else `Ensure <subject> <X, conjugated>`.
 * - a title whose first word is a verb (compromise tags it #Verb after `Please`) stays, its verb
 *   in the infinitive (`Adding filters` -> `Add filters`).
 * - `<label>: <value>`: a value that is a verb phrase leads (`Merge accounts (account linking)`);
 *   a definition (`a …`) is defined, a figure is met, another clause is ensured.
 * - `<subject> <verb> …` (a statement) -> `Ensure <statement>`.
 * - a noun phrase headed by an action noun turns it back into its verb (`Database Setup` ->
 *   `Set up database`, `Payment of deposits` -> `Pay deposits`), when compromise knows the verb.
 * - any other noun phrase gets a lead verb: `Meet` when it states a figure (a number with a unit,
 *   a percentage, an amount or a bound), else `Implement`.
 * Left as they are (cleaned only): placeholders (`a`, `t1`), text with neither noun nor verb, and
 * text mostly in another script than Latin (compromise reads English). An id (`FR-001:`, `R1.`)
 * moves to a `(FR-001)` suffix. Pure and deterministic; results are memoized per distinct input
 * in a bounded map, and the first-word reading per first two words.
 */
import nlp from 'compromise';
import {
  clean,
  firstSentence,
  fit,
  isForeignScript,
  isPlaceholder,
  isTitleCase,
  lowerFirst,
  lowerWords,
  MAX_TITLE,
  TRAILING_PUNCT_RE,
  upperFirst,
} from './title-text.js';

export { MAX_TITLE } from './title-text.js';

interface Term {
  text: string;
  normal: string;
  pre: string;
  post: string;
  tags: ReadonlySet<string>;
}

const LEXICON = (nlp.world() as { model: { one: { lexicon: Record<string, string | undefined> } } }).model.one
  .lexicon;

// --- compromise --------------------------------------------------------------------------------

/** The tagging steps of compromise's default pipeline: its chunks, ids and index are not needed here. */
const TAGGING = [
  'contractions',
  'alias',
  'machine',
  'index',
  'lexicon',
  'preTagger',
  'contractionTwo',
  'postTagger',
];

/** compromise's tagged terms, read from its document (its `json()` costs as much again). */
function terms(s: string): Term[] {
  const out: Term[] = [];
  const doc = nlp.tokenize(s).compute(TAGGING);
  for (const sentence of (doc as unknown as { docs: Term[][] }).docs) out.push(...sentence);
  return out;
}

const has = (t: Term | undefined, tag: string): boolean => t !== undefined && t.tags.has(tag);

const leadMemo = new Map<string, Term[]>();

/**
 * How compromise tags the first words when the text follows `Please`: the imperative reading, so
 * `Set up …`, `Validate …` and `Export …` are verbs while `Database …` is not. The first word is
 * lowered first (a capital makes it a name) and the key is the first two words: a third sways the
 * tagger more than it informs it (`implement handlers for`). Title Case keeps its capitals and
 * three words, which compromise reads well (`Build Admin Dashboard` a verb, `Rate Limits` not).
 */
function leadTerms(s: string): Term[] {
  const key = isTitleCase(s)
    ? s.split(' ', 3).join(' ')
    : [lowerFirst(s.split(' ', 1)[0]!), ...s.split(' ', 2).slice(1)].join(' ');
  let ts = leadMemo.get(key);
  if (ts === undefined) {
    const all = terms(`Please ${key}`);
    ts = all[0]?.normal === 'please' ? all.slice(1) : [];
    if (leadMemo.size >= MEMO_SIZE) leadMemo.clear();
    leadMemo.set(key, ts);
  }
  return ts;
}

const isAux = (t: Term | undefined): boolean => has(t, 'Modal') || has(t, 'Copula') || has(t, 'Auxiliary');
const isFinite = (t: Term): boolean =>
  has(t, 'Verb') &&
  !has(t, 'Gerund') &&
  !has(t, 'Infinitive') &&
  !has(t, 'Particle') &&
  !has(t, 'Hyphenated');

/** Whether the title starts with a verb, by the `Please <title>` test. */
export function startsWithVerb(title: string): boolean {
  const t = leadTerms(title.trim())[0];
  return has(t, 'Verb') && !isAux(t);
}

/**
 * The text as an imperative, or null when its first word is not a verb: an infinitive stays; a
 * gerund or an -s form becomes the infinitive (`Adding filters` -> `Add filters`) only with an
 * object after it and no other finite verb (`Repairs no longer corrupt …` is a statement); a noun
 * straight before a determiner is a verb (`Alert the dispatcher`).
 */
function imperative(s: string): string | null {
  const [t, next] = leadTerms(s);
  // `Benefit: …`, `Comment: …`: a first word that is a label.
  if (t === undefined || isAux(t) || !/^\S+(?:\s|$)/.test(s) || /^[^\s:]+:/.test(s)) return null;
  if (!has(t, 'Verb')) {
    const word = (has(t, 'Noun') || has(t, 'Adjective')) && !has(t, 'Pronoun') && !has(t, 'Plural');
    const verbLike = word && !has(t, 'Acronym') && !has(t, 'Value') && t.post.trim() === '';
    return verbLike && (has(next, 'Determiner') || has(next, 'Possessive')) ? upperFirst(s) : null;
  }
  if (has(t, 'Infinitive') || has(t, 'Imperative') || has(t, 'PhrasalVerb')) return upperFirst(s);
  if ((!has(t, 'Gerund') && !has(t, 'PresentTense')) || isTitleCase(s)) return null;
  const first = s.split(' ', 1)[0]!;
  const ts = terms(s.slice(first.length));
  if (s.includes(':') || !['Noun', 'Determiner', 'Adjective', 'Acronym'].some((tag) => has(ts[0], tag)))
    return null;
  if (ts.some(isFinite)) return null;
  const inf = infinitive(first.toLowerCase());
  return inf === '' || inf === first.toLowerCase() ? null : upperFirst(inf) + s.slice(first.length);
}

/** Word-level answers of compromise, kept: a spec repeats its verbs. */
const wordMemo = new Map<string, string>();
function byWord(kind: string, word: string, fn: () => string): string {
  const key = `${kind}\u0000${word}`;
  let v = wordMemo.get(key);
  if (v === undefined) {
    v = fn();
    if (wordMemo.size >= MEMO_SIZE) wordMemo.clear();
    wordMemo.set(key, v);
  }
  return v;
}

/** compromise's infinitive of a verb form (`adding` -> `add`). */
const infinitive = (word: string): string =>
  byWord('inf', word, () => nlp(word).verbs().toInfinitive().text());

/** compromise's present-tense form for a singular subject (`reject` -> `rejects`, `be` -> `is`). */
function thirdPerson(verb: string): string {
  return byWord('3rd', verb, () => {
    const forms = nlp(verb).verbs().conjugate()[0] as { PresentTense?: string } | undefined;
    return forms?.PresentTense ?? verb;
  });
}

// --- shapes ------------------------------------------------------------------------------------

const ENDPOINT_RE = /^(\p{Lu}{3,7})\s+(\/\S*)(.*)$/u;
const STATEMENT_RE = /^(\p{Lu}{3,})((?:\s+\p{Lu}{2,}(?![\p{Ll}\p{N}_]))*)(?![\p{L}\p{N}_])(.*)$/u;
/** `interface OrderStore {`, `type Order = {`, `export function createOrder(input)`: a declaration. */
const DECLARATION_RE =
  /^(?:\p{Ll}+\s+){1,2}(?:(?:\p{Lu}\p{Ll}+){2,}\w*|\p{Ll}+\p{Lu}\w*|\w+_\w+)(?:[<(].*|\s*[={:].*|\s*)$|^(?:\p{Ll}+\s+){1,2}\w+(?:[<(]|\s*=|\s*\{)/u;
const GHERKIN_RE = /^given\b(.*?),?\s+when\b(.*?),?\s+then\b(.*)$/i;
const STORY_RE =
  /^as an?\s+(.+?),?\s+i\s+(?:want|need|would like|wish|can)\s+(?:to\s+)?(.+?)(?:,?\s+so(?:\s+that)?\s+.*)?$/i;
const LABEL_RE = /^((?:[^\s:]+ ){0,3}[^\s:]+):\s+(\S.*)$/;
const FIGURE_RE =
  /\d\s*%|[$€£¥]\s*\d|\d\s*[$€£¥]|[≥≤<>]|\d(?:\s*(?:ms|s|h|min|[kKMG]B?|x|×))(?![\p{L}\p{N}])/u;
const isFigure = (s: string): boolean => FIGURE_RE.test(s.replace(/\([^)]*\)/g, ''));

/** `Admins are able to revoke tokens`: an ability stated without a modal. */
const ABLE_RE = /^((?:\S+\s+){0,3}?\S+)\s+(?:is|are)\s+(not\s+)?(?:able|allowed|permitted)\s+to\s+(\S.*)$/i;

/** `<subject> <modal> [not] [be able to] <rest>`, found by compromise's #Modal tag. */
function modalShape(s: string, ts: Term[]): string | null {
  const i = ts.findIndex((t) => has(t, 'Modal'));
  if (i < 1 || i > 16) return null;
  let j = i + 1;
  const negative = ts[j]?.normal === 'not';
  if (negative) j++;
  if (ts[j]?.normal === 'be' && ts[j + 1]?.normal === 'able' && ts[j + 2]?.normal === 'to') j += 3;
  const verb = ts[j];
  if (!has(verb, 'Verb') || has(verb, 'Modal')) return null;
  const restStart = indexOfTerm(s, ts, j);
  if (restStart < 0) return null;
  const rest = s.slice(restStart).trim();
  const subjectTerms = ts.slice(0, i);
  const subject = lowerFirst(s.slice(0, indexOfTerm(s, ts, i)).trim());
  if (/[:;]/.test(subject) || /,/.test(subject.replace(/\([^)]*\)/g, ''))) return null;
  const simple =
    subjectTerms.length <= 4 && !subjectTerms.some((t) => has(t, 'Verb') || has(t, 'Preposition'));
  const nouns = subjectTerms.filter((t) => !has(t, 'Determiner'));
  if (simple && subjectTerms.some((t) => has(t, 'Actor') || has(t, 'Person'))) {
    return negative ? `Ensure ${subject} cannot ${rest}` : `Allow ${subject} to ${rest}`;
  }
  if (simple && nouns.length === 1 && !has(nouns[0], 'Plural')) {
    return negative ? `Do not ${rest}` : upperFirst(rest);
  }
  // must/shall/should state the requirement itself; other modals (`can`, `may`) are its content.
  if (!/^(?:must|shall|should)$/.test(ts[i]!.normal))
    return `Ensure ${subject} ${s.slice(indexOfTerm(s, ts, i))}`;
  const [first = '', ...more] = rest.split(' ');
  const plural = isPlural(subjectTerms);
  const finite = negative
    ? `${plural ? 'do' : 'does'} not ${first}`
    : plural
      ? first === 'be'
        ? 'are'
        : first
      : thirdPerson(first);
  return `Ensure ${subject} ${[finite, ...more].join(' ')}`;
}

/** Whether a subject's head (its last noun before a preposition) is plural. */
function isPlural(subject: Term[]): boolean {
  const end = subject.findIndex((t) => has(t, 'Preposition') || has(t, 'Conjunction'));
  const head = subject
    .slice(0, end < 0 ? subject.length : end)
    .reverse()
    .find((t) => has(t, 'Noun') || has(t, 'Verb'));
  // compromise may read a plural noun after a noun as a verb (`Ingredient names`).
  return (
    head !== undefined && (has(head, 'Plural') || (has(head, 'PresentTense') && head.normal.endsWith('s')))
  );
}

/** Where term `k` starts in `s` (terms carry their text in order). */
function indexOfTerm(s: string, ts: Term[], k: number): number {
  let at = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    const found = s.indexOf(t.text, at);
    if (found < 0) return -1;
    if (i === k) return found;
    at = found + t.text.length;
  }
  return -1;
}

/**
 * `<subject> <finite verb> <more>`: a statement, which the task makes true. Verbs in parentheses
 * and a participle right after a noun (`messages delivered to …`) do not make one.
 */
function isStatement(ts: Term[]): boolean {
  if (has(ts[0], 'Verb') && has(ts[1], 'Preposition')) return false;
  let depth = 0;
  for (let i = 0; i < ts.length && i <= 10; i++) {
    const v = ts[i]!;
    depth += (v.pre.match(/\(/g)?.length ?? 0) - (v.pre.match(/\)/g)?.length ?? 0);
    const inside = depth > 0;
    depth += (v.post.match(/\(/g)?.length ?? 0) - (v.post.match(/\)/g)?.length ?? 0);
    if (i === 0 || inside || !has(v, 'Verb') || has(v, 'Hyphenated') || has(v, 'Gerund')) continue;
    const before = ts[i - 1]!;
    if (before.normal === 'to' || /[,;:(]$/.test(before.post.trim())) return false;
    const after = ts[i + 1];
    if (after === undefined || after.pre.includes('(') || /[(]/.test(v.post)) continue;
    if (!has(before, 'Noun') && !has(before, 'Pronoun') && !has(before, 'Value') && !has(before, 'Adverb'))
      continue;
    if (isAux(v)) return true;
    if (!has(v, 'PresentTense')) continue;
    // `import` after a singular noun is a compound (`nightly import`), `use` after a plural a verb.
    if (!has(v, 'Infinitive') || has(before, 'Plural') || has(before, 'Pronoun')) return true;
  }
  return false;
}

const NOMINAL_SUFFIXES: readonly [RegExp, (stem: string) => string[]][] = [
  [/ification$/, (s) => [`${s}ify`]],
  [/ation$/, (s) => [`${s}e`, s, `${s}ate`]],
  [/ion$/, (s) => [`${s}e`, s]],
  [/ment$/, (s) => [s]],
  [/ing$/, (s) => [s, `${s}e`, s.replace(/(\p{L})\1$/u, '$1')]],
];
const PARTICLE_RE = /^(\p{L}{2,}?)(up|in|out|off|over|down)$/u;

/** A verb compromise knows for an action noun: `setup` -> `set up`, `payment` -> `pay`. */
function verbOfNoun(t: Term): string | null {
  const w = t.normal;
  const knownVerb = (v: string): boolean => LEXICON[v] !== undefined && startsWithVerb(`${v} it`);
  const p = PARTICLE_RE.exec(w);
  if (p && LEXICON[p[1]!] !== undefined) {
    const phrasal = `${p[1]} ${p[2]}`;
    if (terms(`Please ${phrasal} it`).some((x) => has(x, 'PhrasalVerb'))) return phrasal;
  }
  for (const [re, candidates] of NOMINAL_SUFFIXES) {
    if (!re.test(w)) continue;
    const stem = w.replace(re, '');
    // A stem that is itself a word is the verb (`implement`), not stem + e (`implemente`).
    const list = candidates(stem).filter((c) => !(c === `${stem}e` && LEXICON[stem] !== undefined));
    return list.find(knownVerb) ?? null;
  }
  return null;
}

const NP_TAGS = ['Noun', 'Adjective', 'Acronym', 'ProperNoun', 'Value', 'Hyphenated'];

/** `<modifiers> <action noun> <rest>` or `<action noun> of <object> <rest>` -> verb first. */
function nominalShape(s: string, ts: Term[], titleCase: boolean): string | null {
  let n = 0;
  while (n < ts.length && n < 6) {
    const t = ts[n]!;
    if (has(t, 'Determiner') || has(t, 'Preposition') || has(t, 'Conjunction')) break;
    if (!NP_TAGS.some((tag) => has(t, tag)) && !has(t, 'Gerund')) break;
    if (n > 0 && t.pre.trim() !== '') break;
    n++;
    if (t.post.trim() !== '' && t.post.trim() !== '-') break;
  }
  if (n === 0) return null;
  const head = ts[n - 1]!;
  if (head.post.trim() !== '' && n === 1 && ts.length > 1 && ts[1]?.normal !== 'of') return null;
  const verb = verbOfNoun(head);
  if (verb === null) return null;
  const headEnd = indexOfTerm(s, ts, n - 1) + head.text.length;
  let object = s.slice(0, indexOfTerm(s, ts, n - 1)).trim();
  let tail = s.slice(headEnd);
  const modifier = ts[n - 2];
  // `MMR-based matching` has no object; `Family sharing of cosmetics` two.
  if (object !== '' && (!has(modifier, 'Noun') || has(modifier, 'Adjective') || /^\s+of\s/.test(tail)))
    return null;
  if (object === '') {
    const of = /^\s+of\s+/.exec(tail);
    if (of) tail = ` ${tail.slice(of[0].length)}`;
    else if (tail.trim() !== '' && !/^[\s(]/.test(tail)) return null;
  }
  if (titleCase) object = lowerWords(object);
  return `${upperFirst(verb)}${object === '' ? '' : ` ${lowerFirst(object)}`}${tail}`;
}

const SWITCHES = (nlp.world() as { model: { two: { switches: Record<string, string | undefined> } } }).model
  .two.switches;

/**
 * A line ending in a colon introduces what follows: it names a thing. Its first word, when
 * compromise lists it as either noun or verb (`Command`, `Test`), is then read as a noun when a
 * noun follows it (`Command pattern:`), not a particle or determiner (`Set up the following:`).
 */
function nounReading(ts: Term[]): boolean {
  const [first, second] = ts;
  return (
    first !== undefined &&
    SWITCHES[first.normal] === 'Noun|Verb' &&
    has(second, 'Noun') &&
    !has(second, 'Pronoun')
  );
}

/**
 * The value of `<name>: <value>` as the title when it reads as a verb phrase and the name does
 * not, or the name is a short bare phrase and the value's verb has an object (`Account linking:
 * merge a …` -> `Merge a … (account linking)`; `Decide HEIC handling: convert on …` stays).
 */
function leadsOver(name: string, value: string): string | null {
  const led = imperative(value);
  if (led === null) return null;
  // Only a verb with an object leads (`merge a …`, `page the on-call`; not `text with …`).
  const object = leadTerms(value)[1];
  const bare = (t: Term): boolean => has(t, 'Preposition') || has(t, 'Conjunction') || has(t, 'Verb');
  if (object === undefined || bare(object) || (has(object, 'Pronoun') && !has(object, 'Possessive')))
    return null;
  if (imperative(name) === null) return led;
  // A bare short name (no determiner, no preposition) is a label (`Account linking`).
  const named = terms(name);
  return named.length <= 3 && !named.some((t) => has(t, 'Determiner') || has(t, 'Preposition')) ? led : null;
}

/** A lead verb before the text (its endpoint or statement form kept), without reading its sentence. */
function fastShape(s: string): string {
  const statement = STATEMENT_RE.exec(s);
  if (statement && startsWithVerb(statement[1]!.toLowerCase())) {
    return `${upperFirst(statement[1]!.toLowerCase())}${statement[2]!.toLowerCase()}${statement[3]}`;
  }
  if (ENDPOINT_RE.test(s) || startsWithVerb(s)) return ENDPOINT_RE.test(s) ? `Implement ${s}` : upperFirst(s);
  return `${leadVerb(s)} ${lowerFirst(isTitleCase(s) ? lowerWords(s) : s)}`;
}

function leadVerb(s: string): string {
  return isFigure(s) ? 'Meet' : 'Implement';
}

function shape(s: string, labelOnly: boolean): string {
  const endpoint = ENDPOINT_RE.exec(s);
  if (endpoint) {
    const [, method, path, more] = endpoint;
    const rest = more!.trim();
    if (rest === '' || !/^\p{L}/u.test(rest)) return `Implement ${s}`;
    // `GET /x supports paging` states a fact; `POST /x create an order` describes the endpoint.
    const next = terms(`It ${rest}`)[1];
    if (has(next, 'PresentTense') && !has(next, 'Infinitive')) return `Ensure ${s}`;
    const described = has(next, 'Verb') && /^\p{Ll}/u.test(rest);
    return described ? `Implement ${method} ${path} (${rest})` : `Implement ${s}`;
  }
  const statement = STATEMENT_RE.exec(s);
  if (statement && startsWithVerb(statement[1]!.toLowerCase())) {
    return `${upperFirst(statement[1]!.toLowerCase())}${statement[2]!.toLowerCase()}${statement[3]}`;
  }
  if (s.endsWith('?')) return `Decide: ${s}`;
  const gherkin = GHERKIN_RE.exec(s);
  if (gherkin) {
    const [when, then] = [gherkin[2]!.trim(), gherkin[3]!.trim()];
    return `Verify ${lowerFirst(then.replace(TRAILING_PUNCT_RE, ''))} when ${lowerFirst(when)}`;
  }
  const story = STORY_RE.exec(s);
  if (story) {
    const want = story[2]!.trim();
    const role = story[1]!.replace(/^(?:the|a|an)\s+/i, '');
    return `${imperative(want) ?? `Add ${want}`} (${lowerFirst(role)})`;
  }
  const ts = terms(s);
  if (!ts.some((t) => has(t, 'Noun') || has(t, 'Verb'))) return s;
  const label = LABEL_RE.exec(s);
  const named = label && !/\d$/.test(label[1]!) ? { name: label[1]!, value: label[2]! } : null;
  if (named) {
    const led = leadsOver(named.name, named.value) ?? modalShape(named.value, terms(named.value));
    // The name goes before trailing tags: `Merge … (account linking) (4d)`.
    if (led) return led.replace(/((?:\s*\([^()]*\))*)$/, ` (${lowerWords(lowerFirst(named.name))})$1`);
  }
  const able = ABLE_RE.exec(s);
  if (able && !/[,:;]/.test(able[1]!)) {
    const subject = lowerFirst(able[1]!);
    return able[2] ? `Ensure ${subject} cannot ${able[3]}` : `Allow ${subject} to ${able[3]}`;
  }
  const modal = modalShape(s, ts);
  if (modal) return modal;
  const verbFirst = labelOnly && nounReading(ts) ? null : imperative(s);
  if (verbFirst) return verbFirst;
  if (named) {
    const { name, value } = named;
    const head = lowerWords(lowerFirst(name));
    if (isFigure(value)) return `Meet ${head}: ${value}`;
    if (has(terms(value)[0], 'Determiner')) return `Define ${head}: ${value}`;
    const nominal = nominalShape(name, terms(name), true);
    if (nominal) return `${nominal}: ${value}`;
    return `Ensure ${head}: ${value}`;
  }
  if (ts[1]?.normal === 'of') {
    const nominal = nominalShape(s, ts, false);
    if (nominal) return nominal;
  }
  if (isStatement(ts)) return `Ensure ${lowerFirst(s)}`;
  const titleCase = isTitleCase(s);
  const nominal = nominalShape(s, ts, titleCase);
  if (nominal) return nominal;
  return `${leadVerb(s)} ${lowerFirst(titleCase ? lowerWords(s) : s)}`;
}

// --- entry ---------------------------------------------------------------------------------------

const MEMO_SIZE = 20_000;
const memo = new Map<string, string>();

/**
 * Specs over this size get their titles by the fast rules: cleaned, kept when they start with a
 * verb, else given a lead verb. Reading every sentence with compromise costs about a millisecond a
 * title, which a spec of thousands of tasks would feel.
 */
export const FAST_TITLES_BYTES = 64 * 1024;

/** The actionable title of a task's source text (see the module comment); `fast`: see FAST_TITLES_BYTES. */
export function actionTitle(text: string, fast = false): string {
  const key = fast ? `\u0000${text}` : text;
  let out = memo.get(key);
  if (out === undefined) {
    out = compute(text, fast);
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(key, out);
  }
  return out;
}

function compute(text: string, fast: boolean): string {
  const { text: cleaned, id } = clean(text);
  if (cleaned === '' || isPlaceholder(cleaned)) return fit(text.trim());
  if (isForeignScript(cleaned)) return fit(id === null ? cleaned : `${cleaned} (${id})`);
  const sentence = firstSentence(cleaned);
  const s = sentence.replace(TRAILING_PUNCT_RE, '');
  const labelOnly = /:$/.test(sentence);
  const declaration = DECLARATION_RE.test(sentence);
  const quick =
    !labelOnly &&
    !declaration &&
    !/[?:]/.test(s) &&
    !/^(?:given|as an?)\s/i.test(s) &&
    !ENDPOINT_RE.test(s) &&
    !STATEMENT_RE.test(s);
  const shaped = declaration
    ? `Implement ${s}`
    : ((quick ? imperative(s) : null) ?? (fast ? fastShape(s) : shape(s, labelOnly)));
  const suffix = id === null ? '' : ` (${id})`;
  return fit(`${fit(shaped).slice(0, MAX_TITLE - suffix.length)}${suffix}`.replace(/\s{2,}/g, ' '));
}

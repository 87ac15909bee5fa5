/**
 * Work written as structure rather than as bullets: a code block of endpoints, SQL DDL, interface
 * or class definitions, rules in pseudocode (WHEN ... / ON ...) or a service definition, and table
 * rows naming an endpoint. Each unit (an endpoint, a table, an interface, a rule block, a service)
 * is one task; a block that is none of these (an example payload, a shell session) is not work of
 * its own and stays in the description.
 */
import type { ScanResult } from './scan.js';

export interface CodeUnit {
  /** 0-based line where the unit starts (inside the block). */
  start: number;
  title: string;
}

const METHOD = '(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)';
const ENDPOINT_RE = new RegExp(
  `^\\s*[-*]?\\s*\`?${METHOD}\\s+(\\/[^\\s\`|]*)\`?(?:\\s+(?:[-—–:#]+\\s*)?(.*?))?\\s*$`,
);
const SQL_RE =
  /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:UNIQUE\s+)?(?:TEMP(?:ORARY)?\s+)?(TABLE|INDEX|VIEW|MATERIALIZED\s+VIEW|TYPE|FUNCTION|TRIGGER|SEQUENCE|SCHEMA)\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w."]+)/i;
const ALTER_RE = /^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?([\w."]+)/i;
const TYPE_RE =
  /^\s*(?:export\s+)?(?:public\s+|abstract\s+)?(interface|class|trait|protocol|struct|service|enum)\s+([A-Za-z_]\w*)/;
const RULE_RE = /^(WHEN|ON|IF|RULE|TRIGGER|EVERY|FOR EACH|UPON|GIVEN)\b[\s:]*(.*)$/;
const YAML_KEY_RE = /^(\s*)([A-Za-z0-9_.-]+):\s*(.*)$/;
const SERVICE_PARENTS = new Set(['services', 'jobs', 'apps', 'deployments', 'workers', 'stages', 'steps']);

const clip = (s: string, n = 90) => (s.length <= n ? s : `${s.slice(0, n - 1).trimEnd()}…`);

/** The block's units, or null when it is not structured work. `open` is the opening fence's line. */
export function codeUnits(scan: ScanResult, open: number): CodeUnit[] | null {
  const { raw, lines } = scan;
  let close = open + 1;
  while (close < lines.length && lines[close]!.kind !== 'fence') close++;
  const body: { i: number; text: string }[] = [];
  for (let i = open + 1; i < close; i++) body.push({ i, text: raw[i]! });
  if (body.length === 0) return null;
  const lang = lines[open]!.text.replace(/^[`~]+/, '')
    .trim()
    .toLowerCase();

  const endpoints = body.flatMap(({ i, text }) => {
    const m = ENDPOINT_RE.exec(text);
    return m
      ? [{ start: i, title: clip(`${m[1]} ${m[2]}${m[3] ? ` (${m[3].replace(/\s+/g, ' ').trim()})` : ''}`) }]
      : [];
  });
  if (endpoints.length > 0) return endpoints;

  const sql = body.flatMap(({ i, text }) => {
    const m = SQL_RE.exec(text);
    if (m)
      return [
        { start: i, title: `Create ${m[1]!.toLowerCase().replace(/\s+/g, ' ')} ${m[2]!.replace(/"/g, '')}` },
      ];
    const a = ALTER_RE.exec(text);
    return a ? [{ start: i, title: `Alter table ${a[1]!.replace(/"/g, '')}` }] : [];
  });
  if (sql.length > 0) return sql;

  const types = body.flatMap(({ i, text }) => {
    const m = TYPE_RE.exec(text);
    return m && !/^\s/.test(text) ? [{ start: i, title: `Implement ${m[1]} ${m[2]}` }] : [];
  });
  if (types.length > 0) return types;

  // Rules: a keyword at the block's least indentation starts one; the lines under it are its body.
  const indents = body
    .filter((b) => b.text.trim() !== '')
    .map((b) => b.text.length - b.text.trimStart().length);
  const base = Math.min(...indents);
  const rules = body.flatMap(({ i, text }) => {
    if (text.length - text.trimStart().length !== base) return [];
    const m = RULE_RE.exec(text.trim());
    return m
      ? [
          {
            start: i,
            title: clip(`Implement rule: ${m[1]!.toLowerCase()} ${m[2]!.replace(/[{:]\s*$/, '').trim()}`),
          },
        ]
      : [];
  });
  if (rules.length > 0) return rules;

  if (lang === 'yaml' || lang === 'yml') {
    // Services of a compose file, jobs of a pipeline...: the keys one level under such a parent.
    // A mapping's keys, or a list's items (named by their `name:`), one level under such a parent.
    const units: CodeUnit[] = [];
    let parent: { indent: number; child: number; list: boolean } | null = null;
    for (const { i, text } of body) {
      const t = text.trim();
      if (t === '' || t.startsWith('#')) continue;
      const indent = text.length - text.trimStart().length;
      if (
        parent &&
        indent <= parent.indent &&
        !(t.startsWith('-') && indent === parent.indent && parent.list)
      )
        parent = null;
      const m = YAML_KEY_RE.exec(text);
      if (!parent) {
        if (m && !t.startsWith('-') && SERVICE_PARENTS.has(m[2]!.toLowerCase()) && m[3] === '')
          parent = { indent, child: -1, list: false };
        continue;
      }
      if (parent.child < 0) {
        parent.child = indent;
        parent.list = t.startsWith('-');
      }
      if (indent !== parent.child) continue;
      if (parent.list && t.startsWith('-')) {
        const item = t.replace(/^-\s*/, '');
        const name = /^(?:name|id|stage|job|step)\s*:\s*(.+)$/i.exec(item)?.[1] ?? item.replace(/:.*$/, '');
        units.push({ start: i, title: `Configure ${clip(name.replace(/["']/g, ''), 60)}` });
      } else if (!parent.list && m) units.push({ start: i, title: `Configure ${m[2]}` });
    }
    return units.length > 0 ? units : null;
  }
  return null;
}

const TABLE_ENDPOINT_RE = new RegExp(`^\\|.*?\\b${METHOD}\\b\\s*\`?\\s*\\|?\\s*\`?(\\/[^\\s\`|]*)`);

/** A table row naming an endpoint (`| POST | /v1/devices | Register a device |`): its task title. */
export function tableTask(text: string): string | null {
  if (!text.startsWith('|')) return null;
  const m = TABLE_ENDPOINT_RE.exec(text);
  if (!m) return null;
  const cells = text
    .split('|')
    .map((c) => c.replace(/`/g, '').trim())
    .filter((c) => c !== '' && c !== m[1] && c !== m[2] && !c.startsWith(`${m[1]} `));
  const what = cells.find((c) => /[a-z]{3}/i.test(c) && !/^\/\S*$/.test(c));
  return clip(`${m[1]} ${m[2]}${what ? ` (${what})` : ''}`);
}

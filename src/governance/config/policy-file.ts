/**
 * Policy as code: a repository's `.github/governance.yml` is a repository-scope override in YAML.
 * Every problem is reported with the line and column of the offending node, so an agent (or a
 * check run annotation) can point at it.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { DomainError } from '../errors.js';
import { configInvalid, flattenZodIssues, formatPath, MAX_ISSUES, type ConfigIssue } from './issues.js';
import { effectiveConfig } from './merge.js';
import { configOverrideSchema, type ConfigOverride } from './override.js';
import type { GovernanceConfig } from './schema.js';

export const POLICY_FILE_PATH = '.github/governance.yml';
export const MAX_POLICY_BYTES = 256 * 1024;
/** Aliases may be used (for shared blocks) but not to blow a small file up into a huge value. */
const MAX_ALIAS_EXPANSIONS = 50;

export interface ParsePolicyOptions {
  /**
   * The configuration the file overrides (defaults merged with the organisation's). When given, the
   * merged result is checked too, and its problems are placed in the file where the path exists.
   */
  base?: GovernanceConfig;
}

interface Position {
  line: number;
  column: number;
}

/** Parses and validates a policy file; returns the override it holds (`{}` for an empty file). */
export function parsePolicyYaml(text: string, options: ParsePolicyOptions = {}): ConfigOverride {
  const bytes = text.length > MAX_POLICY_BYTES ? text.length : new TextEncoder().encode(text).length;
  if (bytes > MAX_POLICY_BYTES) {
    throw new DomainError(
      'POLICY.TOO_LARGE',
      `The policy file is ${bytes} bytes; the limit is ${MAX_POLICY_BYTES}`,
      'Keep only the settings that differ from the organisation defaults.',
      { bytes, limit: MAX_POLICY_BYTES },
    );
  }
  const { doc, lines, data } = readYaml(text);
  // An empty file (or one holding only comments or `---`) overrides nothing.
  const parsed = configOverrideSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issues = flattenZodIssues(parsed.error).map((i) => locate(doc, lines, i.path, i.message));
    throw configInvalid('repo', issues, `Fix the listed lines of ${POLICY_FILE_PATH}; nothing was changed.`);
  }
  if (options.base) {
    try {
      effectiveConfig(options.base, undefined, parsed.data);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'CONFIG.INVALID') throw err;
      const found = (err.details?.issues ?? []) as ConfigIssue[];
      const issues = found.map((i) =>
        locate(doc, lines, i.path === '(root)' ? [] : i.path.split('.'), i.message),
      );
      throw configInvalid(
        'effective',
        issues,
        `${POLICY_FILE_PATH} combines with the organisation configuration into an invalid one: change the listed settings.`,
      );
    }
  }
  return parsed.data;
}

/** One YAML document, parsed to plain data; any syntax problem is a POLICY.YAML_SYNTAX error. */
function readYaml(text: string): { doc: Document; lines: LineCounter; data: unknown } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // Warnings are unresolved tags and the like: a policy is plain data, so they are errors too.
  const problems = [...doc.errors, ...doc.warnings].map((e) => ({
    ...at(lines, e.pos[0]),
    message: e.message,
  }));
  let data: unknown = null;
  if (problems.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
    } catch (err) {
      // The only failure left after a clean parse: aliases expanding past the limit.
      problems.push({ line: 1, column: 1, message: err instanceof Error ? err.message : String(err) });
    }
  }
  if (problems.length > 0) {
    const first = problems[0];
    throw new DomainError(
      'POLICY.YAML_SYNTAX',
      `${POLICY_FILE_PATH} is not valid YAML at line ${first?.line}:${first?.column}: ${first?.message}`,
      'Fix the YAML at that line (indentation, quoting, brackets); one document, no custom tags.',
      { issues: problems.slice(0, MAX_ISSUES) },
    );
  }

  return { doc, lines, data };
}

const at = (lines: LineCounter, offset: number): Position => {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
};

/**
 * The issue placed at the node its path names: a map entry's value, or its key when the key itself
 * is the problem (unknown key) or the value is empty; else the nearest ancestor present in the file
 * (a path the file does not set, or one that goes through an alias).
 */
function locate(doc: Document, lines: LineCounter, path: PropertyKey[], message: string): ConfigIssue {
  let node: unknown = doc.contents;
  let offset = isNodeWithRange(node) ? node.range[0] : 0;
  const keyIsTheProblem = message.startsWith('unknown key') || message.startsWith('invalid key');
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      const value = pair.value;
      const empty = !isNodeWithRange(value) || value.range[0] === value.range[1];
      if (last && (keyIsTheProblem || empty) && isNodeWithRange(pair.key)) {
        offset = pair.key.range[0];
        break;
      }
      node = value;
    } else if (isSeq(node) && /^\d+$/.test(String(segment))) {
      node = node.items[Number(segment)];
    } else {
      break;
    }
    if (!isNodeWithRange(node)) break;
    offset = node.range[0];
  }
  return { path: formatPath(path), ...at(lines, offset), message };
}

function isNodeWithRange(n: unknown): n is Node & { range: [number, number, number] } {
  return n != null && typeof n === 'object' && Array.isArray((n as { range?: unknown }).range);
}

/**
 * The REST surface is routed and validated by openapi-backend against GitHub's own description
 * (@octokit/openapi, api.github.com, dereferenced). Only the operations the emulator implements are
 * taken from it: compiling validators for all of GitHub is far slower than a test can wait. The
 * extract is cached in the system temp directory, keyed by the package version and the operation list.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import formatsPlugin from 'ajv-formats';
import type { Ajv } from 'ajv';
import { OpenAPIBackend } from 'openapi-backend';

// A CommonJS module whose default export TypeScript types as the namespace; at run time it is the plugin.
const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;
interface Document {
  openapi: string;
  info: Json;
  paths: Record<string, Record<string, Json>>;
}

/**
 * OpenAPI 3.0 allows `nullable` beside `oneOf` or with no type at all; Ajv refuses that, so such a
 * schema becomes "this, or null" (same meaning, accepted by both). Also used by the response tests.
 */
export function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'example' && k !== 'examples') out[k] = normalize(v);
  // OpenAPI 3.0.3: `nullable` admits null even where an enum lists the values; Ajv wants it listed.
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...out.enum, null];
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, description, ...rest } = out;
    return { description, anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

function extract(operationIds: readonly string[]): Document {
  const req = createRequire(import.meta.url);
  const file = req.resolve('@octokit/openapi/generated/api.github.com.deref.json');
  const version = (req('@octokit/openapi/package.json') as { version: string }).version;
  // The rewriting is part of the key: a change to it must not reuse an old extract.
  const key = createHash('sha1')
    .update(`${version}\n${[...operationIds].sort().join('\n')}\n${normalize.toString()}`)
    .digest('hex');
  const cached = join(tmpdir(), `github-emulator-openapi-${key.slice(0, 16)}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Document;
  const full = JSON.parse(readFileSync(file, 'utf8')) as Document;
  const wanted = new Set(operationIds);
  const paths: Document['paths'] = {};
  for (const [path, item] of Object.entries(full.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!wanted.has(op.operationId as string)) continue;
      // Only requests are validated here; responses are checked by the conformance tests.
      const { responses: _r, ...request } = op;
      (paths[path] ??= {})[method] = { ...(normalize(request) as Json), responses: {} };
      wanted.delete(op.operationId as string);
    }
  }
  if (wanted.size) throw new Error(`not in GitHub's description: ${[...wanted].join(', ')}`);
  const doc = { openapi: full.openapi, info: full.info, paths };
  // Another process may be writing the same extract: a rename makes it appear whole or not at all.
  const tmp = `${cached}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(doc));
  renameSync(tmp, cached);
  return doc;
}

const backends = new Map<string, Promise<OpenAPIBackend>>();

/** One initialized backend per operation list and process (start-up is the slow part). */
export function restBackend(operationIds: readonly string[]): Promise<OpenAPIBackend> {
  const key = operationIds.join(',');
  let found = backends.get(key);
  if (!found) {
    found = (async () => {
      const api = new OpenAPIBackend({
        definition: extract(operationIds) as never,
        strict: false,
        // Validators compile on first use of each operation rather than all at start-up.
        quick: true,
        validate: true,
        ajvOpts: { strict: false, allErrors: false },
        customizeAjv: (ajv) => {
          addFormats(ajv);
          return ajv;
        },
      });
      await api.init();
      return api;
    })();
    backends.set(key, found);
  }
  return found;
}

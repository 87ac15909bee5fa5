/**
 * GitHub's GraphQL schema: @octokit/graphql-schema's SDL (its introspection JSON lacks the
 * sub-issue fields), extended by extensions.graphql for fields the package lacks altogether.
 * Building from the 1.2 MB SDL takes seconds; the result is cached as introspection JSON in the
 * system temp directory (keyed by both SDLs' contents), which loads several times faster.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  extendSchema,
  introspectionFromSchema,
  parse,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

let schema: GraphQLSchema | undefined;

/** Read beside the package's entry point (the entry itself also parses a 5 MB JSON we do not use). */
const packageSdl = (): string =>
  readFileSync(new URL('./schema.graphql', import.meta.resolve('@octokit/graphql-schema')), 'utf8');

function build(idl: string, sdl: string): GraphQLSchema {
  // The package's SDL defines a few Enterprise fields twice; GitHub serves it as it is.
  const base = buildSchema(idl, { assumeValidSDL: true });
  return extendSchema(base, parse(sdl));
}

export function githubSchema(): GraphQLSchema {
  if (schema) return schema;
  const sdl = readFileSync(new URL('./extensions.graphql', import.meta.url), 'utf8');
  const idl = packageSdl();
  const key = createHash('sha1').update(idl).update(sdl).digest('hex').slice(0, 16);
  const cached = join(tmpdir(), `github-emulator-graphql-${key}.json`);
  if (existsSync(cached)) {
    schema = buildClientSchema(JSON.parse(readFileSync(cached, 'utf8')) as IntrospectionQuery);
    return schema;
  }
  schema = build(idl, sdl);
  const tmp = `${cached}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(introspectionFromSchema(schema)));
  renameSync(tmp, cached);
  return schema;
}

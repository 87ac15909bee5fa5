/**
 * Decides, once per test run, which PostgreSQL the PostgreSQL halves of the suites use, and says so
 * in one line:
 *
 * - TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) when a server answers there;
 * - otherwise, with CI set, the run fails: CI must test against a real server, never silently less;
 * - otherwise an embedded PGlite (PostgreSQL compiled to wasm) served over the wire protocol by
 *   pglite-socket, so the same `pg` adapter is exercised on a machine that has only Node.js.
 *
 * Test files read the choice with `inject('postgres')` (see test/helpers/store-backends.ts).
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export interface TestPostgres {
  url: string;
  /** 'server' for a real PostgreSQL, 'pglite' for the embedded fallback. */
  kind: 'server' | 'pglite';
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: TestPostgres;
  }
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The URL without its password, for printing. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return err.code ?? err.message ?? String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const say = (line: string): void => void process.stderr.write(`${line}\n`);

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  const failure = await probe(url);
  if (failure === undefined) {
    project.provide('postgres', { url, kind: 'server' });
    say(`PostgreSQL for tests: server at ${redact(url)}`);
    return;
  }
  if (process.env.CI) {
    throw new Error(
      `PostgreSQL for tests: no server at ${redact(url)} (${failure}), and CI is set, so there is no ` +
        'fallback to the embedded PGlite. Start PostgreSQL or point TEST_DATABASE_URL at one.',
    );
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const { servePglite } = await import('./pglite-server.js');
  const db = await PGlite.create();
  const server = await servePglite(db);
  const embedded = `postgres://postgres@${server.address}/postgres`;
  const version = (await db.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
  project.provide('postgres', { url: embedded, kind: 'pglite' });
  say(
    `PostgreSQL for tests: embedded PGlite (PostgreSQL ${version ?? '?'}) at ${server.address} ` +
      `(no server at ${redact(url)}: ${failure})`,
  );
  return async () => {
    await server.close();
    await db.close();
  };
}

/**
 * GitHub App installation tokens: POST /app/installations/{id}/access_tokens authenticated by the
 * app's RS256 JWT (verified with the seeded public key), answering a token with the installation's
 * permissions that expires in an hour.
 */
import { randomBytes, verify } from 'node:crypto';
import { EmulatorError, notFound } from '../errors.js';
import type { SeedApp } from '../seed.js';
import type { EmulatorState, Token } from '../state.js';
import { ok, type RestOperations } from './types.js';

export const APP_TOKEN_OPERATION = 'apps/create-installation-access-token';
const HOUR = 3600_000;

const unauthorized = (message: string) => new EmulatorError('UNAUTHORIZED', message);

/** The app a `Bearer <JWT>` header speaks for, as a token that may only mint installation tokens. */
export function authenticateApp(state: EmulatorState, header: string | undefined): Token {
  const jwt = /^bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  const [h = '', p = '', sig = ''] = jwt.split('.');
  const json = (part: string) => {
    try {
      return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const head = json(h);
  const claims = json(p);
  const app = state.apps.get(Number(claims.iss));
  if (head.alg !== 'RS256' || !app) throw unauthorized('A JSON web token could not be decoded');
  const signed = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), app.publicKey, Buffer.from(sig, 'base64url'));
  if (!signed) throw unauthorized('A JSON web token could not be decoded');
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp < now - 60 || claims.exp - Number(claims.iat) > 600) {
    throw unauthorized("'Expiration time' claim ('exp') is too far in the future or has passed");
  }
  return { token: jwt, user: bot(state, app), permissions: { app: 'admin' } };
}

const bot = (state: EmulatorState, app: SeedApp) =>
  state.owner(`${app.slug ?? `app-${app.id}`}[bot]`, 'User');

export const appOperations: RestOperations = {
  [APP_TOKEN_OPERATION]: {
    handle(r) {
      const app = appOf(r.state, r.token);
      const installation = app.installations.find((i) => i.id === Number(r.params.installation_id));
      if (!installation) throw notFound();
      const granted = installation.permissions ?? { issues: 'write', metadata: 'read' };
      const token = r.state.addToken(
        `ghs_${randomBytes(18).toString('base64url')}`,
        bot(r.state, app).login,
        granted,
      );
      token.expiresAt = Date.now() + HOUR;
      return ok(
        {
          token: token.token,
          expires_at: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          permissions: granted,
          repository_selection: 'all',
        },
        201,
      );
    },
  },
};

function appOf(s: EmulatorState, token: Token): SeedApp {
  const app = [...s.apps.values()].find((a) => bot(s, a) === token.user);
  if (!app) throw unauthorized('A JSON web token could not be decoded');
  return app;
}

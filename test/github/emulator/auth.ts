/** Tokens and what they may do, with GitHub's 401 and 403 answers. */
import { EmulatorError } from './errors.js';
import type { Access } from './seed.js';
import type { EmulatorState, Token } from './state.js';

const RANK: Record<Access, number> = { read: 1, write: 2, admin: 3 };

export interface Needed {
  permission: string;
  access: Access;
}

export const needs = (permission: string, access: Access): Needed => ({ permission, access });

/** The token in `Authorization: token X` or `Bearer X`, if any. */
export const bearer = (header: string | undefined): string | undefined =>
  /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '')?.[1];

export function authenticate(state: EmulatorState, header: string | undefined): Token {
  const t = state.tokens.get(bearer(header) ?? '');
  if (!t) throw new EmulatorError('UNAUTHORIZED', 'Bad credentials');
  return t;
}

export const grants = (token: Token, n: Needed): boolean => {
  const have = token.permissions[n.permission] ?? token.permissions['*'];
  return have !== undefined && RANK[have] >= RANK[n.access];
};

export function authorize(token: Token, n: Needed | undefined): void {
  if (!n || grants(token, n)) return;
  throw new EmulatorError(
    'FORBIDDEN',
    'Resource not accessible by personal access token',
    undefined,
    `${n.permission}=${n.access}`,
  );
}

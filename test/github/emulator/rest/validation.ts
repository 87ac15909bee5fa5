/** openapi-backend's (Ajv's) findings, worded as GitHub words a 422. */
import type { ErrorObject } from 'ajv';
import type { FieldError } from '../errors.js';

const valueAt = (root: unknown, pointer: string): unknown =>
  pointer
    .split('/')
    .filter(Boolean)
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      root,
    );

export interface Refusal {
  message: string;
  errors?: FieldError[];
}

export function refusal(
  errors: ErrorObject[],
  request: { body?: unknown; query?: unknown; params?: unknown },
): Refusal {
  const inBody = errors.filter((e) => e.instancePath.startsWith('/requestBody'));
  if (inBody.length) {
    const lines = new Map<string, string>();
    const types = new Map<string, string[]>();
    for (const e of inBody) {
      const field = e.instancePath.replace(/^\/requestBody\/?/, '');
      const where = field ? `properties/${field.replace(/\//g, '/properties/')}` : 'body';
      if (e.keyword === 'required') {
        lines.set(
          `${where}:${String(e.params.missingProperty)}`,
          `"${String(e.params.missingProperty)}" wasn't supplied.`,
        );
      } else if (e.keyword === 'type') {
        types.set(where, [...(types.get(where) ?? []), String(e.params.type)]);
        const value = JSON.stringify(valueAt(request.body, field));
        lines.set(where, `For '${where}', ${value} is not ${article(types.get(where)!)}.`);
      } else if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && !lines.has(where)) {
        lines.set(
          where,
          `For '${where}', ${JSON.stringify(valueAt(request.body, field))} ${e.message ?? 'is invalid'}.`,
        );
      }
    }
    return { message: `Invalid request.\n\n${[...lines.values()].join('\n')}` };
  }
  return {
    message: 'Validation Failed',
    errors: errors.map((e) => ({
      resource: 'Request',
      field: e.instancePath.split('/').pop() ?? '',
      code: 'invalid',
      message: `${e.instancePath.slice(1)} ${e.message ?? 'is invalid'}`,
    })),
  };
}

const article = (types: string[]) => {
  const [first = 'value'] = types;
  return `${/^[aeiou]/.test(first) ? 'an' : 'a'} ${types.join(' or ')}`;
};

/** A tiny fetch client for the emulator tests: JSON in, status, headers and JSON out. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: any;
}

export function client(base: string, token = 'test-token') {
  const call = async (method: string, path: string, body?: unknown, t = token): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${t}`,
        accept: 'application/vnd.github+json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: text ? JSON.parse(text) : null,
    };
  };
  return {
    call,
    get: (path: string, t?: string) => call('GET', path, undefined, t),
    post: (path: string, body?: unknown, t?: string) => call('POST', path, body ?? {}, t),
    patch: (path: string, body: unknown, t?: string) => call('PATCH', path, body, t),
    del: (path: string, body?: unknown, t?: string) => call('DELETE', path, body, t),
    graphql: async (query: string, variables?: Record<string, unknown>, t?: string) =>
      call('POST', '/graphql', { query, ...(variables && { variables }) }, t),
  };
}

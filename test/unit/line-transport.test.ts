import { PassThrough } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { LineTransport } from '../../src/transports/line-transport.js';

const LIMIT = 64;

async function setup() {
  const input = new PassThrough();
  const output = new PassThrough();
  const received: JSONRPCMessage[] = [];
  const oversized: unknown[] = [];
  const t = new LineTransport(input, output, { maxLineBytes: LIMIT, onOversized: (i) => oversized.push(i) });
  t.onmessage = (m) => received.push(m);
  await t.start();
  let written = '';
  output.on('data', (c: Buffer) => (written += c.toString('utf8')));
  const replies = () =>
    written
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: unknown; error: { code: number; message: string } });
  return { input, received, oversized, replies, t };
}

const tick = () => new Promise((r) => setImmediate(r));
const ping = (id: number | string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });

describe('LineTransport', () => {
  it.each([
    { name: 'one chunk per line', chunks: [`${ping(1)}\n`, `${ping(2)}\n`] },
    { name: 'two lines in one chunk', chunks: [`${ping(1)}\n${ping(2)}\n`] },
    { name: 'a line split byte by byte, CRLF', chunks: [...`${ping(1)}\r\n${ping(2)}\n`] },
  ])('reads messages: $name', async ({ chunks }) => {
    const s = await setup();
    for (const c of chunks) s.input.write(c);
    await tick();
    expect(s.received.map((m) => (m as { id: number }).id)).toEqual([1, 2]);
    expect(s.replies()).toEqual([]);
  });

  it.each([
    {
      name: 'id first',
      line: `{"jsonrpc":"2.0","id":7,"method":"x","params":{"p":"${'a'.repeat(100)}"}}`,
      id: 7,
    },
    {
      name: 'id last',
      line: `{"method":"x","params":{"p":"${'a'.repeat(100)}"},"jsonrpc":"2.0","id":"r-1"}`,
      id: 'r-1',
    },
    {
      name: 'id only in a nested object',
      line: `{"method":"x","params":{"p":"${'a'.repeat(100)}","id":3}}`,
      id: null,
    },
  ])(
    'answers an oversized line ($name) with -32600, split across chunks, and reads on',
    async ({ line, id }) => {
      const s = await setup();
      const bytes = Buffer.from(`${line}\n${ping(9)}\n`);
      for (let i = 0; i < bytes.length; i += 10) s.input.write(bytes.subarray(i, i + 10));
      await tick();
      expect(s.replies()).toEqual([
        {
          jsonrpc: '2.0',
          id,
          error: { code: -32600, message: expect.stringContaining(`the limit is ${LIMIT} bytes`) },
        },
      ]);
      expect(s.oversized).toEqual([{ bytes: line.length, limit: LIMIT, id }]);
      expect(s.received).toEqual([JSON.parse(ping(9))]);
    },
  );

  it('takes a line of exactly the limit', async () => {
    const s = await setup();
    const base = ping('');
    const line = ping('x'.repeat(LIMIT - base.length));
    expect(line.length).toBe(LIMIT);
    s.input.write(`${line}\n`);
    await tick();
    expect(s.received).toHaveLength(1);
  });

  it.each([
    { line: 'not json', code: -32700, id: null },
    { line: '{"id":4,"method":5}', code: -32600, id: 4 },
  ])('answers $line with $code and reads on', async ({ line, code, id }) => {
    const s = await setup();
    s.input.write(`${line}\n\n${ping(1)}\n`);
    await tick();
    expect(s.replies()).toEqual([{ jsonrpc: '2.0', id, error: { code, message: expect.any(String) } }]);
    expect(s.received).toHaveLength(1);
  });

  it('stops reading when closed', async () => {
    const s = await setup();
    let closed = false;
    s.t.onclose = () => (closed = true);
    await s.t.close();
    s.input.write(`${ping(1)}\n`);
    await tick();
    expect(closed).toBe(true);
    expect(s.received).toEqual([]);
  });
});

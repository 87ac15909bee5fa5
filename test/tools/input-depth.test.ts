import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_DEPTH } from '../../src/mcp/input-guard.js';
import { errorPayload, useSharedClient, ws } from '../helpers/mcp.js';

const c = useSharedClient();

/** `levels` nested containers, the outermost included, built without recursion. */
function nested(levels: number, kind: 'object' | 'array'): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = kind === 'object' ? { a: v } : [v];
  return v;
}

async function callRaw(args: unknown): Promise<{ result?: CallToolResult; thrown?: unknown }> {
  try {
    const result = (await c().client.callTool({
      name: 'create_item',
      arguments: args as Record<string, unknown>,
    })) as CallToolResult;
    return { result };
  } catch (thrown) {
    return { thrown };
  }
}

describe('arguments nested too deep', () => {
  it.each([
    {
      name: '10,000 objects in a known field',
      args: () => ({ workspace: ws(), type: 'epic', title: 'T', description: nested(10_000, 'object') }),
    },
    {
      name: '10,000 arrays in a known field',
      args: () => ({ workspace: ws(), type: 'epic', title: 'T', labels: nested(10_000, 'array') }),
    },
    {
      name: '10,000 objects under an unknown key',
      args: () => ({ workspace: ws(), type: 'epic', title: 'T', extra: nested(10_000, 'object') }),
    },
    { name: 'one level over the limit', args: () => ({ x: nested(MAX_INPUT_DEPTH, 'object') }) },
  ])('$name: INPUT.INVALID naming the limit, nothing written', async ({ args }) => {
    const before = await c().auditSeq();
    const { result, thrown } = await callRaw(args());
    expect(thrown).toBeUndefined();
    const payload = errorPayload(result!);
    expect(payload?.code).toBe('INPUT.INVALID');
    expect(payload?.message).toContain(`nested deeper than ${MAX_INPUT_DEPTH} levels`);
    expect(payload?.details).toMatchObject({ limit: MAX_INPUT_DEPTH });
    expect(await c().auditSeq()).toBe(before);
  });

  it('accepts nesting at the limit (the schema then judges the value)', async () => {
    // The arguments object is the first level: one below it leaves MAX_INPUT_DEPTH - 1 for `x`.
    const payload = await c().failure('create_item', {
      workspace: ws(),
      type: 'epic',
      title: 'T',
      description: nested(MAX_INPUT_DEPTH - 1, 'object'),
    });
    expect(payload.code).toBe('INPUT.INVALID');
    expect(payload.message).toContain('description');
    expect(payload.message).not.toContain('nested deeper');
  });

  it('still reports NUL text, at the first bad path', async () => {
    const payload = await c().failure('create_item', {
      workspace: ws(),
      type: 'epic',
      title: 'ok',
      labels: ['fine', 'bad\u0000'],
      description: 'x\ud800',
    });
    expect(payload.code).toBe('INPUT.INVALID');
    expect(payload.message).toContain('labels.1');
  });
});

describe('arguments that are not an object', () => {
  it.each([
    { args: 5, kind: 'a number' },
    { args: [], kind: 'an array' },
    { args: null, kind: 'null' },
    { args: 'text', kind: 'a string' },
  ])('$args: -32602 Invalid params with a short message', async ({ args, kind }) => {
    const { thrown } = await callRaw(args);
    expect(thrown).toBeInstanceOf(McpError);
    const e = thrown as McpError;
    expect(e.code).toBe(ErrorCode.InvalidParams);
    expect(e.message).toContain(`arguments must be an object of named arguments, got ${kind}`);
    expect(e.message.length).toBeLessThan(160);
  });

  it('a missing tool name is -32602 too', async () => {
    const e = await c()
      .client.request({ method: 'tools/call', params: { arguments: {} } }, CallToolResultSchema)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(McpError);
    expect((e as McpError).code).toBe(ErrorCode.InvalidParams);
  });
});

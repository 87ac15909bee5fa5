/**
 * get_job, list_jobs and cancel_job through the MCP surface, over jobs queued in the store (the
 * tools that start jobs come with the long-running work): a job is only visible in its workspace,
 * lists page and filter, and a queued job is cancelled at once, audited.
 */
import { describe, expect, it } from 'vitest';
import { startJob } from '../../src/governance/use-cases/job-control.js';
import { TEST_ACTOR, useClient, WS } from '../helpers/mcp.js';

const c = useClient();
const caller = { actor: TEST_ACTOR, client: null, tool: 'test', correlationId: 'c-1' };
const queue = (workspace: string, kind: string) =>
  startJob(c().deps, caller, { workspace, kind, input: { n: 1 }, steps: [{ key: 'a', title: 'Step A' }] });

describe('job tools', () => {
  it('shows a job of the workspace, and refuses an unknown one or one of another workspace', async () => {
    const job = await queue(WS, 'test.one');
    const other = await queue('acme/other', 'test.one');
    const got = await c().ok('get_job', { workspace: WS, jobId: job.id });
    expect(got.job).toMatchObject({
      id: job.id,
      kind: 'test.one',
      status: 'queued',
      steps: [{ key: 'a', title: 'Step A', state: 'pending' }],
      createdBy: TEST_ACTOR.id,
      attempts: 0,
    });
    expect(await c().err('get_job', { workspace: WS, jobId: 'J-nope' })).toBe('JOB.NOT_FOUND');
    expect(await c().err('get_job', { workspace: WS, jobId: other.id })).toBe('JOB.NOT_FOUND');
  });

  it('lists oldest first, by status, in pages', async () => {
    const ids = [];
    for (const kind of ['k.1', 'k.2', 'k.3']) {
      ids.push((await queue(WS, kind)).id);
      c().clock.advance(1000); // ids sort by creation time
    }
    const first = await c().ok('list_jobs', { workspace: WS, limit: 2 });
    expect(first.jobs.map((j: { id: string }) => j.id)).toEqual(ids.slice(0, 2));
    const rest = await c().ok('list_jobs', { workspace: WS, limit: 2, cursor: first.nextCursor });
    expect(rest).toMatchObject({ jobs: [{ id: ids[2] }], nextCursor: null });
    expect((await c().ok('list_jobs', { workspace: WS, status: ['cancelled'] })).jobs).toEqual([]);
    expect(await c().err('list_jobs', { workspace: 'acme/none' })).toBe('WORKSPACE.NOT_FOUND');
  });

  it('cancels a queued job at once, audited, and leaves a finished one as it is', async () => {
    const job = await queue(WS, 'test.cancel');
    const seq = await c().auditSeq();
    const r = await c().ok('cancel_job', { workspace: WS, jobId: job.id });
    expect(r.job).toMatchObject({ id: job.id, status: 'cancelled', cancelRequested: true });
    expect((await c().auditAfter(seq)).map((a) => a.action)).toContain('job.cancelled');
    const again = await c().ok('cancel_job', { workspace: WS, jobId: job.id });
    expect(again.job.status).toBe('cancelled');
    expect((await c().ok('list_jobs', { workspace: WS, status: ['cancelled'] })).jobs).toHaveLength(1);
  });
});

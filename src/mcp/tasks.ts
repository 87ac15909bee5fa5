/**
 * MCP tasks over the durable jobs. A task is a job: its id is the job id, its status the job's,
 * its result what the tool makes of the finished job. Nothing lives in process memory, so any
 * instance over the same store answers tasks/get and tasks/result for a task another one started,
 * and a task whose process died is resumed by the next runner like any job.
 */
import type { TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { CallToolResult, Result, Task } from '@modelcontextprotocol/sdk/types.js';
import type { Job } from '../governance/model/job.js';
import type { Caller } from '../governance/ports/caller.js';
import type { Deps, Logger } from './deps.js';
import type { AnyTool } from './define-tool.js';
import { toErrorResult } from './errors.js';
import type { ToolSpec } from './registry.js';
import { renderText } from './text.js';

/** How often a client following a task is told to look (tasks/get, or the SDK waiting in tasks/result). */
export const TASK_POLL_MS = 1000;

const STATUS: Record<Job['status'], Task['status']> = {
  queued: 'working',
  running: 'working',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function taskOf(job: Job): Task {
  const p = job.progress;
  const message =
    job.error?.message ??
    (p.total > 0 ? `${p.done}/${p.total}${p.message ? ` ${p.message}` : ''}` : (p.message ?? job.status));
  return {
    taskId: job.id,
    status: STATUS[job.status],
    ttl: null,
    createdAt: job.createdAt,
    lastUpdatedAt: job.updatedAt,
    pollInterval: TASK_POLL_MS,
    statusMessage: message.slice(0, 500),
  };
}

/** The tool result of a finished job, as tools/call would have answered. */
export function jobResult(tool: AnyTool, job: Job, log: Logger): CallToolResult {
  try {
    const { data, summary, lines } = tool.task!.result(job);
    const structured = tool.output.parse(data);
    return { content: [{ type: 'text', text: renderText(summary, lines) }], structuredContent: structured };
  } catch (err) {
    return toErrorResult(err, log, tool.name);
  }
}

/**
 * The SDK's task store, backed by the job store. Tasks are created by the tools themselves (a job
 * queued and started), never through `createTask`; results are the jobs' own, so `storeTaskResult`
 * has nothing to keep. tasks/list answers the caller's jobs of the task tools' kinds in every
 * workspace, newest first: jobs outlive sessions, so a reconnected client finds its tasks again.
 */
export function jobTaskStore(deps: Deps, specs: readonly ToolSpec[], log: Logger): TaskStore {
  // The task tools load on the first task request, never at start-up.
  let byKind: Promise<Map<string, AnyTool>> | undefined;
  const tools = () =>
    (byKind ??= Promise.all(specs.filter((s) => s.task).map((s) => s.load())).then(
      (loaded) => new Map(loaded.flatMap((t) => (t.task ? [[t.task.kind, t] as const] : []))),
    ));
  const jobOf = async (taskId: string): Promise<{ job: Job; tool: AnyTool } | null> => {
    if (taskId.length > 100) return null;
    const job = await deps.store.jobs.get(taskId);
    const tool = job && (await tools()).get(job.kind);
    return job && tool ? { job, tool } : null;
  };
  const system: Caller = {
    actor: deps.actor,
    client: null,
    tool: 'tasks/cancel',
    correlationId: globalThis.crypto.randomUUID(),
  };
  return {
    createTask() {
      return Promise.reject(new Error('tasks are created by the tools that run them'));
    },
    async getTask(taskId) {
      const found = await jobOf(taskId);
      return found ? taskOf(found.job) : null;
    },
    async storeTaskResult() {},
    async getTaskResult(taskId): Promise<Result> {
      const found = await jobOf(taskId);
      if (!found) throw new Error(`Task not found: ${taskId.slice(0, 100)}`);
      return jobResult(found.tool, found.job, log);
    },
    async updateTaskStatus(taskId, status) {
      // The only change a client asks for is cancellation; the job's runner reports the rest.
      if (status !== 'cancelled') return;
      const found = await jobOf(taskId);
      if (!found) return;
      const { cancelJob } = await import('../governance/use-cases/job-control.js');
      await cancelJob(deps, { ...system, correlationId: taskId }, taskId, {
        owner: `cancel:${globalThis.crypto.randomUUID()}`,
      });
    },
    async listTasks(cursor) {
      if (cursor !== undefined && !JOB_ID.test(cursor)) {
        throw new Error('invalid cursor: pass the nextCursor of the previous tasks/list answer, or none');
      }
      const kinds = await tools();
      const mine = (j: Job) =>
        j.createdBy === deps.actor.id && kinds.has(j.kind) && (cursor === undefined || j.id < cursor);
      // Job ids sort in creation order; only the newest page plus one (is there more?) is kept.
      let newest: Job[] = [];
      for (const workspace of await deps.store.reader.listWorkspaces(MAX_WORKSPACES)) {
        for (let afterId: string | undefined; ;) {
          const page = await deps.store.jobs.list({ workspace, ...(afterId && { afterId }), limit: SCAN });
          newest.push(...page.filter(mine));
          if (newest.length > 4 * TASK_PAGE) newest = newestFirst(newest).slice(0, TASK_PAGE + 1);
          if (page.length < SCAN) break;
          afterId = page.at(-1)!.id;
        }
      }
      const sorted = newestFirst(newest);
      const tasks = sorted.slice(0, TASK_PAGE);
      return {
        tasks: tasks.map(taskOf),
        ...(sorted.length > TASK_PAGE && { nextCursor: tasks.at(-1)!.id }),
      };
    },
  };
}

/** Tasks per tasks/list page. */
export const TASK_PAGE = 50;
/** Jobs read per store query while listing tasks (the SQL store's most). */
const SCAN = 500;
const MAX_WORKSPACES = 100_000;
/** What startJob makes: the cursor of tasks/list is the last job id of the previous page. */
const JOB_ID = /^J-\d{1,20}-[0-9a-f]{8}$/;

const newestFirst = (jobs: readonly Job[]): Job[] =>
  [...jobs].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

import { z } from 'zod';
import { Redactor } from '../client/redactor.ts';
import { describeAnswer, isJsonAnswer, parseAnswer, type ServerAnswer } from '../client/server-answer.ts';
import { answerOf, connectServerClient, type ServerConnection } from '../client/server-client.ts';
import { ServerError } from '../client/server-error.ts';
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import type { EventHandlerJson } from '../event/handler-json.ts';
import type { WorkflowScheduleDef } from '../schedule/schedule-def.ts';

export { ServerError } from '../client/server-error.ts';
export type { ServerConnection } from '../client/server-client.ts';

/** The metadata calls the CI step needs, each retried on transient faults, each answer checked. */
export interface MetadataApi {
  getTaskDef(name: string): Promise<TaskDef | undefined>;
  /** GET /api/metadata/workflow/{name}: that version, or the latest when `version` is undefined. */
  getWorkflowDef(name: string, version?: number): Promise<WorkflowDef | undefined>;
  /** POST /api/metadata/taskdefs: registers new task definitions. */
  createTaskDefs(defs: readonly TaskDef[]): Promise<void>;
  /** PUT /api/metadata/taskdefs: updates one existing task definition. */
  updateTaskDef(def: TaskDef): Promise<void>;
  /** POST /api/metadata/workflow: registers a new name+version (the OSS server answers 409 when it exists). */
  createWorkflowDef(def: WorkflowDef): Promise<void>;
  /** PUT /api/metadata/workflow: creates or replaces name+version. */
  upsertWorkflowDef(def: WorkflowDef): Promise<void>;
  /** DELETE /api/metadata/taskdefs/{name}: removes a task definition. */
  deleteTaskDef(name: string): Promise<void>;
  /** DELETE /api/metadata/workflow/{name}/{version}: removes one version of a workflow. */
  deleteWorkflowDef(name: string, version: number): Promise<void>;
  /** GET /api/event: every event handler on the server. */
  listEventHandlers(): Promise<EventHandlerJson[]>;
  /**
   * POST /api/event with ONE handler object: conductor-oss 3.32.3 answers the list the SDK's
   * `EventResourceService.addEventHandler` sends with 500 (observed), so this is a raw call.
   * The server answers 500 when the name exists.
   */
  createEventHandler(handler: EventHandlerJson): Promise<void>;
  /** PUT /api/event: replaces the handler of that name (500 when there is none). */
  updateEventHandler(handler: EventHandlerJson): Promise<void>;
  /** DELETE /api/event/{name}: removes a handler (500 when there is none). */
  deleteEventHandler(name: string): Promise<void>;
  /** GET /api/scheduler/schedules/{name}: the stored schedule, undefined on 404. */
  getSchedule(name: string): Promise<Record<string, unknown> | undefined>;
  /** POST /api/scheduler/schedules: creates or replaces a schedule (conductor-oss 3.32.3 answers PUT with 405). */
  saveSchedule(def: WorkflowScheduleDef): Promise<void>;
  /** DELETE /api/scheduler/schedules/{name}: removes a schedule (200 even when there is none). */
  deleteSchedule(name: string): Promise<void>;
}

/** conductor-oss 3.32.3's error body: `{"status":404,"message":"No such taskType found by name: x",...}`. */
const ErrorAnswer = z.object({ status: z.number().int().optional(), message: z.string().optional() }).passthrough();

/**
 * A write's answer with a body: conductor-oss 3.32.3 answers PUT /api/metadata/workflow with a
 * BulkResponse (`{"bulkErrorResults":{},"bulkSuccessfulResults":["name"]}`); the other writes
 * answer 200 with an empty body.
 */
const WriteAnswer = z.object({ bulkErrorResults: z.record(z.unknown()).optional() }).passthrough();

const eventHandlersAnswer = z.array(z.object({ name: z.string(), event: z.string(), actions: z.array(z.object({}).passthrough()) }).passthrough());
const scheduleAnswer = (name: string) => z.object({ name: z.literal(name), cronExpression: z.string().nullable().optional() }).passthrough();
const taskDefAnswer = (name: string) => z.object({ name: z.literal(name) }).passthrough();
const workflowDefAnswer = (name: string, version: number | undefined) =>
  z.object({ name: z.literal(name), version: version === undefined ? z.number().int() : z.literal(version), tasks: z.array(z.object({}).passthrough()) }).passthrough();

/**
 * The metadata API over the official SDK client and the CLI's transport (connectServerClient:
 * the named server only, one retry policy, a time limit). Every answer is checked for the shape it
 * must have: a definition read is JSON naming that definition, a 404 is Conductor's JSON error, a
 * write is empty or JSON without bulk errors; anything else (a login page, a proxy) is a
 * {@link ServerError} saying what came back. Secrets are removed from every message (`redactor`).
 */
export async function connectMetadataApi(connection: ServerConnection, redactor: Redactor = new Redactor()): Promise<MetadataApi> {
  const { client, security } = await connectServerClient(connection, redactor);

  function refused(answer: ServerAnswer, what: string): ServerError {
    const body = isJsonAnswer(answer) ? ErrorAnswer.safeParse(safeJson(answer.text)) : undefined;
    const message = body?.success === true && body.data.message !== undefined ? ` ${redactor.redact(body.data.message)}` : '';
    const hint = answer.status === 401 || answer.status === 403 ? ' Check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.' : '';
    return new ServerError(`${what}: ${message === '' ? describeAnswer(answer, redactor) : `HTTP ${answer.status}${message}`}.${hint}`, answer.status);
  }

  async function read<S extends z.ZodTypeAny>(url: string, what: string, schema: S, expected: string, query?: Record<string, unknown>): Promise<z.infer<S> | undefined> {
    const answer = answerOf(await client.get({ url, ...(query && { query }), parseAs: 'text', throwOnError: false, security: [...security] }));
    if (answer.status === 404) {
      parseAnswer(answer, ErrorAnswer, what, 'Conductor\'s JSON "not found" answer', redactor);
      return undefined;
    }
    if (answer.status !== 200) throw refused(answer, what);
    return parseAnswer(answer, schema, what, expected, redactor);
  }

  async function write(method: 'post' | 'put' | 'delete', url: string, body: unknown, what: string): Promise<void> {
    const answer = answerOf(await client[method]({ url, ...(body !== undefined && { body }), parseAs: 'text', throwOnError: false, security: [...security] }));
    if (answer.status < 200 || answer.status > 299) throw refused(answer, what);
    if (answer.text.trim() === '') return;
    const { bulkErrorResults = {} } = parseAnswer(answer, WriteAnswer, what, 'an empty answer or JSON', redactor);
    const errors = Object.entries(bulkErrorResults);
    if (errors.length > 0) throw new ServerError(`${what}: the server refused ${errors.map(([name, why]) => `${name} (${redactor.redact(String(why))})`).join(', ')}.`, answer.status);
  }

  return {
    getTaskDef: (name) => read(`/api/metadata/taskdefs/${encodeURIComponent(name)}`, `reading task definition ${name}`, taskDefAnswer(name), `JSON task definition ${name}`) as Promise<TaskDef | undefined>,
    getWorkflowDef: (name, version) =>
      read(
        `/api/metadata/workflow/${encodeURIComponent(name)}`,
        `reading workflow ${name} ${version === undefined ? '(latest)' : `v${version}`}`,
        workflowDefAnswer(name, version),
        `JSON workflow definition ${name}${version === undefined ? '' : ` v${version}`}`,
        version === undefined ? undefined : { version },
      ) as Promise<WorkflowDef | undefined>,
    createTaskDefs: (defs) => write('post', '/api/metadata/taskdefs', defs, `registering ${defs.length} task definition(s)`),
    updateTaskDef: (def) => write('put', '/api/metadata/taskdefs', def, `updating task definition ${def.name}`),
    createWorkflowDef: (def) => write('post', '/api/metadata/workflow', def, `registering workflow ${def.name} v${def.version}`),
    upsertWorkflowDef: (def) => write('put', '/api/metadata/workflow', [def], `updating workflow ${def.name} v${def.version}`),
    deleteTaskDef: (name) => write('delete', `/api/metadata/taskdefs/${encodeURIComponent(name)}`, undefined, `deleting task definition ${name}`),
    deleteWorkflowDef: (name, version) => write('delete', `/api/metadata/workflow/${encodeURIComponent(name)}/${version}`, undefined, `deleting workflow ${name} v${version}`),
    listEventHandlers: async () => ((await read('/api/event', 'reading the event handlers', eventHandlersAnswer, 'a JSON list of event handlers')) ?? []) as unknown as EventHandlerJson[],
    createEventHandler: (handler) => write('post', '/api/event', handler, `registering event handler ${handler.name}`),
    updateEventHandler: (handler) => write('put', '/api/event', handler, `updating event handler ${handler.name}`),
    deleteEventHandler: (name) => write('delete', `/api/event/${encodeURIComponent(name)}`, undefined, `deleting event handler ${name}`),
    getSchedule: (name) => read(`/api/scheduler/schedules/${encodeURIComponent(name)}`, `reading schedule ${name}`, scheduleAnswer(name), `JSON schedule ${name}`),
    saveSchedule: (def) => write('post', '/api/scheduler/schedules', def, `saving schedule ${def.name}`),
    deleteSchedule: (name) => write('delete', `/api/scheduler/schedules/${encodeURIComponent(name)}`, undefined, `deleting schedule ${name}`),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

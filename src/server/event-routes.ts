import { storedEventHandler } from '../event/stored-handler.ts';
import type { Registry } from '../runner/registry.ts';
import { validateEventHandler } from '../validate/event-handler-rules.ts';
import { boolParam, HttpError, isObject, sendEmpty, sendJson } from './http.ts';
import type { Router } from './router.ts';
import { validationFailed } from './validation-errors.ts';

/** The bean-validation messages conductor-oss 3.32.3 gives for a handler without these fields (`EventHandler.java`). */
const SERVER_MESSAGES: Readonly<Record<string, { field: string; message: string }>> = {
  EVENT_HANDLER_NAME: { field: 'name', message: 'Missing event handler name' },
  EVENT_HANDLER_NO_ACTIONS: { field: 'actions', message: 'No actions specified. Please specify at-least one action' },
};

/**
 * Checks a handler as `argument` (`addEventHandler.arg0`): 400 for what the server refuses (no
 * name, event or actions, in its words), and, deliberately stricter, for an event of a queue type
 * the server lacks (it stores one and then stops starting new listeners; the validator's message
 * says so). That the event's workflow and EVENT task exist is not checked here: they may be
 * registered later.
 */
function checked(body: unknown, argument: string): Record<string, unknown> {
  if (!isObject(body)) {
    // conductor-oss 3.32.3 (observed) answers a list, as the SDK's addEventHandler sends, with 500.
    throw new HttpError(500, `JSON parse error: Cannot deserialize value of type \`com.netflix.conductor.common.metadata.events.EventHandler\` from ${Array.isArray(body) ? 'Array value (token `JsonToken.START_ARRAY`)' : 'a non-object value'}`);
  }
  const issues = validateEventHandler(body, [], argument).filter((i) => i.severity === 'error' && !i.code.startsWith('EVENT_HANDLER_UNKNOWN'));
  if (issues.length === 0) return body;
  throw validationFailed(
    issues.map((issue) => {
      const server = SERVER_MESSAGES[issue.code];
      if (issue.code === 'EVENT_HANDLER_EVENT' && (typeof body['event'] !== 'string' || body['event'].trim() === '')) return { path: `${argument}.event`, message: 'Missing event location' };
      return server === undefined ? { path: issue.path, message: issue.message, code: issue.code } : { path: `${argument}.${server.field}`, message: server.message };
    }),
  );
}

/**
 * The event handler endpoints of conductor-oss 3.32.3 (`EventResource`): `POST /api/event` (one
 * handler; 500 when the name exists), `PUT /api/event` (500 when it does not), `GET /api/event`,
 * `GET /api/event/{event}?activeOnly=` (default true), `DELETE /api/event/{name}`, with the
 * server's answers. Handlers are kept in the runner's registry: an EVENT task's message reaches
 * them at once (the real server starts listening on a new handler's queue at its next refresh,
 * within a minute).
 */
export function addEventRoutes(router: Router, registry: Registry): void {
  router
    .add('POST', '/api/event', async ({ res, body }) => {
      const handler = storedEventHandler(checked(await body(), 'addEventHandler.arg0'));
      if (registry.eventHandler(handler.name) !== undefined) throw new HttpError(500, `EventHandler with name ${handler.name} already exists!`);
      registry.addEventHandler(handler);
      sendEmpty(res, 200);
    })
    .add('PUT', '/api/event', async ({ res, body }) => {
      const handler = storedEventHandler(checked(await body(), 'updateEventHandler.arg0'));
      if (registry.eventHandler(handler.name) === undefined) throw new HttpError(500, `EventHandler with name ${handler.name} not found!`);
      registry.addEventHandler(handler);
      sendEmpty(res, 200);
    })
    .add('GET', '/api/event', ({ res }) => {
      sendJson(res, 200, registry.allEventHandlers());
    })
    .add('GET', '/api/event/{event}', ({ res, params, query }) => {
      const activeOnly = boolParam(query, 'activeOnly', true);
      sendJson(res, 200, registry.allEventHandlers().filter((h) => h.event === params['event'] && (!activeOnly || h.active)));
    })
    .add('DELETE', '/api/event/{name}', ({ res, params }) => {
      const name = params['name'] as string;
      if (!registry.removeEventHandler(name)) throw new HttpError(500, `EventHandler with name ${name} not found!`);
      sendEmpty(res, 200);
    });
}

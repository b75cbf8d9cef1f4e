import type { EventActionJson, EventHandlerJson } from './handler-json.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An event handler as conductor-oss 3.32.3 stores and returns it (observed on `GET /api/event`):
 * `active` false when absent, each action's `expandInlineJSON` false, a start_workflow's `input`
 * and a task action's `output` `{}`, null fields left out. Used by the dev server to store what
 * it is sent, and by `diff` to compare a generated handler with the server's.
 */
export function storedEventHandler(given: Json): EventHandlerJson {
  const withoutNulls = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
  const actions = (Array.isArray(given['actions']) ? given['actions'] : []).map((raw: unknown) => {
    const action = withoutNulls(isObject(raw) ? raw : {});
    for (const key of ['start_workflow', 'complete_task', 'fail_task']) {
      const details = action[key];
      if (!isObject(details)) continue;
      action[key] = key === 'start_workflow' ? { ...withoutNulls(details), input: details['input'] ?? {} } : { ...withoutNulls(details), output: details['output'] ?? {} };
    }
    return { ...action, expandInlineJSON: action['expandInlineJSON'] === true } as unknown as EventActionJson;
  });
  return { ...(withoutNulls(given) as unknown as EventHandlerJson), actions, active: given['active'] === true };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const handler = { name: 'h1', event: 'conductor:wf:emit', actions: [{ action: 'start_workflow', start_workflow: { name: 'target' } }] };

describe('the dev server event handler endpoints', () => {
  it('stores one handler per POST with the server defaults filled in, and lists it', async () => {
    expect((await call('POST', '/api/event', handler)).status).toBe(200);
    const stored = { name: 'h1', event: 'conductor:wf:emit', actions: [{ action: 'start_workflow', start_workflow: { name: 'target', input: {} }, expandInlineJSON: false }], active: false };
    expect((await call('GET', '/api/event')).json).toEqual([stored]);
    // Inactive handlers are listed for an event only with activeOnly=false, as on the server.
    expect((await call('GET', '/api/event/conductor:wf:emit')).json).toEqual([]);
    expect((await call('GET', '/api/event/conductor:wf:emit?activeOnly=false')).json).toEqual([stored]);
  });

  it('answers as conductor-oss 3.32.3: a list, an existing name, an update or delete of a missing one', async () => {
    expect(await call('POST', '/api/event', [handler])).toMatchObject({ status: 500, json: { message: expect.stringContaining('Cannot deserialize value of type `com.netflix.conductor.common.metadata.events.EventHandler` from Array value') } });
    expect(await call('POST', '/api/event', { ...handler, name: 'dup' })).toMatchObject({ status: 200 });
    expect(await call('POST', '/api/event', { ...handler, name: 'dup' })).toMatchObject({ status: 500, json: { message: 'EventHandler with name dup already exists!' } });
    expect(await call('PUT', '/api/event', { ...handler, name: 'nobody' })).toMatchObject({ status: 500, json: { message: 'EventHandler with name nobody not found!' } });
    expect(await call('DELETE', '/api/event/nobody')).toMatchObject({ status: 500, json: { message: 'EventHandler with name nobody not found!' } });
    expect((await call('PUT', '/api/event', { ...handler, name: 'dup', active: true })).status).toBe(200);
    expect((await call('GET', '/api/event/conductor:wf:emit')).json).toEqual([expect.objectContaining({ name: 'dup', active: true })]);
    expect((await call('DELETE', '/api/event/dup')).status).toBe(200);
  });

  it('refuses what the server refuses with its bean-validation answer, and an event of a queue type it lacks', async () => {
    expect(await call('POST', '/api/event', { actions: [] })).toEqual({
      status: 400,
      json: expect.objectContaining({
        message: 'Validation failed, check below errors for detail.',
        validationErrors: [
          { path: 'addEventHandler.arg0.name', message: 'Missing event handler name' },
          { path: 'addEventHandler.arg0.event', message: 'Missing event location' },
          { path: 'addEventHandler.arg0.actions', message: 'No actions specified. Please specify at-least one action' },
        ],
      }),
    });
    const bad = await call('POST', '/api/event', { ...handler, name: 'sqs', event: 'sqs:orders' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('event \\"sqs:orders\\" is not a queue conductor-oss 3.32.3 has');
    expect((await call('GET', '/api/event')).json).not.toContainEqual(expect.objectContaining({ name: 'sqs' }));
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http.ts';

/** What a route handler gets: the request, path parameters and query. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path parameters by name, URL-decoded: `/api/workflow/{workflowId}` → `{workflowId}`. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body (undefined when empty); read lazily, only by routes that take one. */
  readonly body: () => Promise<unknown>;
  /** The body as sent, for routes that take plain text (a task log line). */
  readonly text: () => Promise<string>;
}

/** Handles one request; it writes the answer itself, or throws an {@link HttpError}. */
export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
  /** Static segments count more than parameters: `/tasks/queue/sizes` wins over `/tasks/{taskId}/log`. */
  readonly score: number;
}

/** Matches a method and a path against `/api/x/{param}` patterns; no framework. */
export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route; `pattern` segments in braces are parameters. */
  add(method: string, pattern: string, handler: RouteHandler): this {
    const segments = split(pattern);
    this.routes.push({ method, segments, handler, score: segments.filter((s) => !isParam(s)).length });
    return this;
  }

  /**
   * The handler and parameters for a request. 404 when no route has this path, 405 (with an
   * Allow header) when some have it for other methods.
   */
  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } {
    const parts = split(path);
    let best: { route: Route; params: Record<string, string> } | undefined;
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      if (route.method !== method) {
        allowed.add(route.method);
        continue;
      }
      if (best === undefined || moreSpecific(route, best.route)) best = { route, params };
    }
    if (best !== undefined) return { handler: best.route.handler, params: best.params };
    if (allowed.size > 0) {
      const allow = [...allowed].sort().join(', ');
      throw new HttpError(405, `Method ${method} is not supported for ${path}; use ${allow}.`, undefined, { Allow: allow });
    }
    throw new HttpError(404, `No endpoint ${method} ${path} in the dev server. It implements the Conductor REST subset the SDK uses under /api/metadata, /api/workflow, /api/tasks and /api/scheduler; the routes are listed in src/server/*-routes.ts.`);
  }
}

/** More static segments wins; on a tie, the route static at the first place where the two differ. */
function moreSpecific(a: Route, b: Route): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const i = a.segments.findIndex((segment, j) => isParam(segment) !== isParam(b.segments[j] as string));
  return i !== -1 && !isParam(a.segments[i] as string);
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = parts[i] as string;
    if (isParam(want)) {
      try {
        params[want.slice(1, -1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}

{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one Lambda function every API request reaches (API Gateway HTTP API, payload format 2.0;
// template.yaml routes {{ api.base_path }} and {{ api.base_path }}/* here). It hands the request to the dispatcher
// (shared/dispatcher.js), which answers bad paths, unknown paths, preflights, other methods, auth,
// parameters and bodies itself, and calls the operation's handler. Every response carries the
// shared headers of shared/headers.js. `npm run build` bundles this file into dist/api.mjs, the
// function's code.

import { dispatch } from './shared/dispatcher.js';

// ---- AWS Lambda adapter: a payload 2.0 event in, a payload 2.0 result out. ----

/** What the dispatcher reads of API Gateway's payload 2.0 event. */
interface LambdaEvent {
  rawPath?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  queryStringParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { stage?: string; http?: { method?: string } };
}

/** What the dispatcher reads of Lambda's context. */
interface LambdaContext {
  awsRequestId?: string;
}

/** A payload 2.0 result: Set-Cookie values in `cookies`. */
interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
  cookies?: string[];
}

/** The path without the stage prefix (`/prod/api/...` -> `/api/...`; `$default` has none). */
function eventPath(event: LambdaEvent): string {
  const path = typeof event.rawPath === 'string' ? event.rawPath : '';
  const stage = event.requestContext && event.requestContext.stage;
  if (typeof stage === 'string' && stage !== '$default' && stage !== '') {
    const prefix = `/${stage}`;
    if (path === prefix) return '/';
    if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
  }
  return path;
}

function eventBody(event: LambdaEvent): string | null {
  if (typeof event.body !== 'string') return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export const handler = async (event: LambdaEvent, context: LambdaContext): Promise<LambdaResult> => {
  const http = (event.requestContext && event.requestContext.http) || {};
  const headers: Record<string, string> = { ...(event.headers || {}) };
  // Payload 2.0 moves the Cookie header into `cookies`.
  if (Array.isArray(event.cookies) && event.cookies.length > 0) headers.cookie = event.cookies.join('; ');
  const response = await dispatch({
    method: http.method || '',
    path: eventPath(event),
    headers,
    query: event.queryStringParameters || {},
    body: eventBody(event),
    requestId: context && context.awsRequestId,
    env: process.env,
    platform: { event, context },
  });
  // Set-Cookie goes in `cookies`; other repeated headers are joined with commas.
  const single: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(response.headers)) {
    if (name.toLowerCase() === 'set-cookie') cookies.push(...(Array.isArray(value) ? value : [value]));
    else single[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const result: LambdaResult = {
    statusCode: response.status,
    headers: single,
    body: response.body,
    isBase64Encoded: false,
  };
  if (cookies.length > 0) result.cookies = cookies;
  return result;
};

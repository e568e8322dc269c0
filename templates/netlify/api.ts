{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one function every API request reaches (netlify.toml sends {{ api.base_path }}/* here). It hands
// the request to the dispatcher (_shared/dispatcher.js), which answers bad paths, unknown paths,
// preflights, other methods, auth, parameters and bodies itself, and calls the operation's handler.
// Every response carries the shared headers of _shared/headers.js.

import { dispatch } from './_shared/dispatcher.js';

// ---- Netlify adapter: a v1 function event in, a v1 result out. ----

/** What the dispatcher reads of Netlify's v1 event. */
interface NetlifyEvent {
  httpMethod: string;
  path: string;
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** A v1 function's result: repeated headers (e.g. Set-Cookie) in `multiValueHeaders`. */
interface NetlifyResult {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
}

function eventBody(event: NetlifyEvent): string | null {
  if (typeof event.body !== 'string') return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export const handler = async (event: NetlifyEvent, context: unknown): Promise<NetlifyResult> => {
  const headers = event.headers || {};
  const response = await dispatch({
    method: event.httpMethod,
    path: event.path,
    headers,
    query: event.queryStringParameters || {},
    body: eventBody(event),
    requestId: headers['x-nf-request-id'],
    env: process.env,
    platform: { event, context },
  });
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) multi[name] = value;
    else single[name] = value;
  }
  const result: NetlifyResult = { statusCode: response.status, headers: single, body: response.body };
  if (Object.keys(multi).length > 0) result.multiValueHeaders = multi;
  return result;
};

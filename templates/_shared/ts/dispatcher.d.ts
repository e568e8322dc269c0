{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The types of dispatcher.js, the JavaScript dispatcher next to this file.

/** A request as the dispatcher takes it (`fromRequest` makes one from a Web Request). */
export interface DispatchRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The decoded body, or null for methods without one. */
  body: string | null;
  requestId?: string | null;
  /** The configuration: environment variables, or the platform's bindings. */
  env?: object;
  /** What the handlers get from the platform, spread into their context. */
  platform?: object;
}

/** The response: the shared headers on every one; `body` is JSON text, or '' for none. */
export interface DispatchResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** Handles one request; never throws (an error becomes a 500). */
export function dispatch(request: DispatchRequest): Promise<DispatchResult>;

/** The dispatcher's request from a Web Request; `extra` adds `requestId`, `env`, `platform`. */
export function fromRequest(
  request: Request,
  extra: { requestId: string | null; env: object; platform: object },
): Promise<DispatchRequest>;

/** The dispatcher's result as a Web Response. */
export function toResponse(result: DispatchResult): Response;

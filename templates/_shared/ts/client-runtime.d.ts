{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The types of runtime.js, the JavaScript client next to this file; api.ts types each operation.

/** Any error status from the API. */
export class ApiError extends Error {
  constructor(
    message: string,
    details?: {
      status?: number;
      code?: string | null;
      requestId?: string | null;
      problems?: Problem[];
      body?: unknown;
      method?: string;
      path?: string;
    },
  );
  status: number;
  code: string | null;
  requestId: string | null;
  problems: Problem[];
  body: unknown;
  method: string;
  path: string;
}
export class BadRequestError extends ApiError {}
export class UnauthorizedError extends ApiError {}
export class ForbiddenError extends ApiError {}
export class NotFoundError extends ApiError {}
export class MethodNotAllowedError extends ApiError {}
export class ConflictError extends ApiError {}
export class PayloadTooLargeError extends ApiError {}
export class UnsupportedMediaTypeError extends ApiError {}
export class ValidationError extends ApiError {}
export class ServerError extends ApiError {}

/** One problem of a 422: the field (or '' for the body) and what is wrong with it. */
export interface Problem {
  field: string;
  problem: string;
}

/** What the client is made with. */
export interface ClientConfig {
  baseUrl?: string;
  getToken?: (options: { forceRefresh: boolean }) => string | null | Promise<string | null>;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** Every method's last argument. */
export interface CallOptions {
  query?: Record<string, string | number | boolean | null | undefined> | URLSearchParams;
  headers?: HeadersInit;
  signal?: AbortSignal;
}

/** A list's last argument: its `query` typed (paging, `sort`, the filters). */
export type ListOptions<Query> = Omit<CallOptions, 'query'> & { query?: Query };
{% if api.auth.provider == "netlify-identity" %}

export function netlifyIdentityToken(options?: { forceRefresh?: boolean }): Promise<string | null>;
{% endif %}

/** The client, untyped: api.ts's `createClient` gives each operation its types. */
export function createClient(config?: ClientConfig): Record<string, (...args: unknown[]) => Promise<unknown>>;

// The types of store.js, next to this file. Created by scaffold from {{ api.spec_file }}. This file is
// yours: scaffold never overwrites it. Keep it in step with store.js when you change that.

/** A list's order: by `field` (of that type), ascending unless `desc`; items without a value last. */
export interface ListSort {
  field: string;
  type: string;
  desc: boolean;
}

/** Where a sorted page starts: after the item with this sort value (null: none) and id. */
export interface SortedCursor {
  value: unknown;
  id: string;
}

/** What `list` takes: without `sort` a cursor is an id, with one a `SortedCursor`. */
export interface ListOptions {
  limit: number;
  cursor?: string | SortedCursor | null;
  sort?: ListSort | null;
  /** `[field, value]` pairs an item must all equal. */
  filters?: [string, string | number | boolean][];
}

/** One resource's items, each under its owner. */
export interface Collection<T> {
  /**
   * At most `limit` items after `cursor`: oldest first, or in `sort`'s order; only those every
   * filter holds for. `next` is the cursor of the next page (a `SortedCursor` with a sort) or null.
   */
  list(owner: string, options: ListOptions): Promise<{ items: T[]; next: string | SortedCursor | null }>;
  /** The item, or null. */
  get(owner: string, id: string): Promise<T | null>;
  /**
   * Stores (creates or replaces) the item. With `mustExist` (an update) a store that can check
   * atomically only replaces an existing item and returns false when there is none; with
   * `mustBeNew` (a create) it only writes where no item is, else returns false.
   */
  put(
    owner: string,
    id: string,
    item: T,
    options?: { mustExist?: boolean; mustBeNew?: boolean },
  ): Promise<boolean | void>;
  /** True if there was an item. */
  remove(owner: string, id: string): Promise<boolean>;
}

/** The collection of resource `name`, for a handler's context `ctx`. */
export function openCollection<T>(name: string, ctx?: object): Promise<Collection<T>>;

/** A new item id: UUID version 7 (time-ordered). */
export function newId(): string;

/** Whose items a call reaches: the signed-in user's, or the shared `public` owner's without one. */
export function ownerOf(user: { id: string } | null): string;

/** The writable `fields` of a validated body (null and absent fields are left out). */
export function pick<T extends object>(body: T, fields: readonly string[]): T;

/** What a filter's value must be: its field's type, and for text its values and expressions. */
export interface FilterRule {
  type: string;
  enum?: string[];
  /** `[expression, problem]` pairs: the text must match each expression. */
  checks?: string[][];
}

/** What a list takes: sortable fields (name -> type), filters (name -> rule) and its limits. */
export interface ListRules {
  sorts: Record<string, string>;
  filters: Record<string, FilterRule>;
  defaultLimit: number;
  maxLimit: number;
}

/** A 400 reply for a list query: `error` is its code (`invalid_query`, `invalid_limit`, ...). */
export interface ListQueryError {
  status: 400;
  body: { error: string; [key: string]: unknown };
}

/**
 * A list request's query read against `rules`: `list`'s options and the key a sorted cursor is
 * bound to, or the 400 reply for a parameter the list does not take or a bad limit, sort, filter
 * or cursor.
 */
export function listQuery(
  query: Record<string, string | undefined>,
  rules: ListRules,
): { page: ListOptions; key: unknown[] } | { error: ListQueryError };

/** A list reply's `next`: the store's (null, or an id) as it is; a sorted page's as an opaque cursor. */
export function nextCursor(next: string | SortedCursor | null, key: unknown[]): string | null;

/**
 * Thrown by a collection that cannot reach or use its database: the dispatcher answers 503
 * `storage_unavailable` and logs the error and its `cause`.
 */
export class StorageUnavailable extends Error {
  constructor(message: string, cause?: unknown);
}

// Test overlay (tests/schemathesis): an in-memory store of movies, kept per user. Not a handler and
// not named like its folder, so netlify dev bundles it into `api` (which requires it) and never
// serves it as a function of its own.
//
// Each user's movies live under the user's id (the token's `sub`); ids are made here, never taken
// from the request. A movie of another user is indistinguishable from one that does not exist.
// Module state lives as long as the warm function: netlify dev loads `api` once and keeps it.
'use strict';

const crypto = require('node:crypto');

// The fields a movie may have (the dispatcher has already validated the body against them).
const FIELDS = ['title', 'year', 'rating', 'watched', 'tags'];
// A bound on what a long fuzzing run can make the process hold.
const MAX_PER_USER = 5000;

// Made once per load of the module: a client can tell whether state survived between requests.
const instance = crypto.randomUUID();
const byUser = new Map(); // user id -> Map(movie id -> movie)

function moviesOf(userId) {
  if (typeof userId !== 'string' || userId === '') throw new TypeError('a user id is required');
  let movies = byUser.get(userId);
  if (!movies) {
    movies = new Map();
    byUser.set(userId, movies);
  }
  return movies;
}

function fieldsOf(body) {
  const out = {};
  for (const field of FIELDS) {
    if (body && Object.prototype.hasOwnProperty.call(body, field) && body[field] !== undefined) {
      out[field] = body[field];
    }
  }
  return out;
}

const notFound = () => ({ status: 404, body: { error: 'not_found' } });

module.exports = {
  instance,
  notFound,
  users: () => byUser.size,
  list(userId) {
    return [...moviesOf(userId).values()];
  },
  create(userId, body) {
    const movies = moviesOf(userId);
    if (movies.size >= MAX_PER_USER) movies.delete(movies.keys().next().value);
    const movie = { ...fieldsOf(body), id: crypto.randomUUID() };
    movies.set(movie.id, movie);
    return movie;
  },
  read(userId, id) {
    return moviesOf(userId).get(id);
  },
  // Only for the negative control of movies-read.js: the owner is not checked.
  readAnyOwner(id) {
    for (const movies of byUser.values()) if (movies.has(id)) return movies.get(id);
    return undefined;
  },
  replace(userId, id, body) {
    const movies = moviesOf(userId);
    if (!movies.has(id)) return undefined;
    const movie = { ...fieldsOf(body), id };
    movies.set(id, movie);
    return movie;
  },
  remove(userId, id) {
    return moviesOf(userId).delete(id);
  },
};

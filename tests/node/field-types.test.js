// The field rules beyond types, through the real generated dispatcher and CRUD handlers (memory
// storage) of specs/gig-guide.yaml, called as the platform calls it (tests/node/drivers/TARGET.js,
// default netlify): enum, every format, pattern, nested objects, arrays of objects, default,
// nullable, readonly and ref, each refused with its 422 problem at its path, and defaults filled
// in on create only.
//
//   TARGET=vercel PROJECT_DIR=/path/to/gig-guide-project node --test tests/node/field-types.test.js
'use strict';

const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { rows, plan } = require('./lib/plan.js');
const TARGET = process.env.TARGET || 'netlify';
if (!/^[a-z0-9-]+$/.test(TARGET)) throw new Error(`set TARGET to a target name (got ${JSON.stringify(TARGET)})`);
const driver = require(`./drivers/${TARGET}.js`);

const PROJECT_DIR = process.env.PROJECT_DIR;
if (!PROJECT_DIR) throw new Error('set PROJECT_DIR to a project generated from specs/gig-guide.yaml for TARGET');

let call;
let venueId;
const send = (method, p, json) =>
  call({ method, path: p, headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
const parsed = (res) => (res.body === '' ? undefined : JSON.parse(res.body));
const p = (field, problem) => ({ field, problem });

const VENUE = { name: 'The Hall', address: { city: 'Paris', country: 'FR' } };
const venue = (more) => ({ ...VENUE, ...more });
const at = (more) => venue({ address: { ...VENUE.address, ...more } });
const GIG = () => ({ venue_id: venueId, title: 'Spring', date: '2025-06-01' });
const gig = (more) => ({ ...GIG(), ...more });
const ARTIST_ERROR = [p('lineup[0]', 'expected an object')];

before(async () => {
  call = await driver.load(path.resolve(PROJECT_DIR));
  const res = await send('POST', '/api/venues', VENUE);
  assert.equal(res.status, 201, res.body);
  venueId = parsed(res).id;
});

// [what, body, problems]: POST /api/venues is 422 with exactly these problems.
const VENUE_422 = [
  ['a nested required field missing', venue({ address: { country: 'FR' } }), [p('address.city', 'required')]],
  ['a nested unknown field', at({ floor: 2 }), [p('address.floor', 'unknown field')]],
  ['a nested pattern', at({ country: 'fr' }), [p('address.country', 'expected text matching ^[A-Z]{2}$')]],
  ['two levels down', at({ geo: { lat: 91 } }), [p('address.geo.lat', 'at most 90'), p('address.geo.lng', 'required')]],
  ['an object that is text', venue({ address: 'Paris' }), [p('address', 'expected an object')]],
  ['an object that is an array', venue({ address: [] }), [p('address', 'expected an object')]],
  ['a required object sent as null', venue({ address: null }), [p('address', 'required')]],
  ['a url with another scheme', venue({ website: 'javascript:alert(1)' }), [p('website', 'expected an http or https URL')]],
  ['a url with a space', venue({ website: 'https://a b.example' }), [p('website', 'expected an http or https URL')]],
  ['an email without a dotted domain', venue({ contact: 'a@b' }), [p('contact', 'expected an email address')]],
  ['a nullable field of the wrong type', venue({ capacity: 'x' }), [p('capacity', 'expected an integer')]],
  ['a readonly field', venue({ verified: true }), [p('verified', 'read-only: set by the server')]],
  ['a readonly field sent as null', venue({ verified: null }), [p('verified', 'read-only: set by the server')]],
];

// [what, body, problems]: POST /api/gigs is 422 with exactly these problems.
const GIG_422 = [
  ['a value outside the enum', () => gig({ status: 'postponed' }), [p('status', 'expected one of: announced, on_sale, sold_out, cancelled')]],
  ['a date that is not a day', () => gig({ date: '2025-02-30' }), [p('date', 'expected a date (YYYY-MM-DD)')]],
  ['a date-time without T', () => gig({ doors_open: '2025-06-01 20:00:00Z' }), [p('doors_open', 'expected a date-time (RFC 3339, e.g. 2024-05-01T12:00:00Z)')]],
  ['a date-time at hour 24', () => gig({ doors_open: '2025-06-01T24:00:00Z' }), [p('doors_open', 'expected a date-time (RFC 3339, e.g. 2024-05-01T12:00:00Z)')]],
  ['a uuid one digit short', () => gig({ ticket_batch: '0190b6a2-7c1e-7abc-8def-0123456789a' }), [p('ticket_batch', 'expected a UUID')]],
  ['a slug outside the pattern', () => gig({ slug: 'Bad Slug' }), [p('slug', 'expected text matching ^[a-z0-9]+(?:-[a-z0-9]+)*$')]],
  ['a ref that is not an id', () => gig({ venue_id: 'a/b' }), [p('venue_id', 'expected the id of an item of venues')]],
  ['a ref of dots', () => gig({ venue_id: '..' }), [p('venue_id', 'expected the id of an item of venues')]],
  ['a ref too long', () => gig({ venue_id: 'x'.repeat(129) }), [p('venue_id', 'expected the id of an item of venues')]],
  ['an array item that is not an object', () => gig({ lineup: ['A'] }), ARTIST_ERROR],
  [
    'problems inside array items, at their index',
    () => gig({ lineup: [{ artist: 'A' }, { artist: 'B', set_minutes: 0 }, { set_minutes: 'x', extra: 1 }] }),
    [p('lineup[1].set_minutes', 'at least 1'), p('lineup[2].artist', 'required'), p('lineup[2].extra', 'unknown field'), p('lineup[2].set_minutes', 'expected an integer')],
  ],
  ['a non-nullable field sent as null, required', () => gig({ title: null }), [p('title', 'required')]],
];

describe('422 problems at their paths (POST /api/venues)', () => {
  for (const [what, body, problems] of rows(VENUE_422)) {
    it(what, async () => {
      const res = await send('POST', '/api/venues', body);
      assert.equal(res.status, 422, res.body);
      assert.deepEqual(parsed(res), { error: 'validation_failed', problems });
    });
  }
});

describe('422 problems at their paths (POST /api/gigs)', () => {
  for (const [what, body, problems] of rows(GIG_422)) {
    it(what, async () => {
      const res = await send('POST', '/api/gigs', body());
      assert.equal(res.status, 422, res.body);
      assert.deepEqual(parsed(res), { error: 'validation_failed', problems });
    });
  }
});

// [what, body, check(item)]: POST /api/gigs is 201 and the stored item passes the check.
const GIG_201 = [
  ['the defaults filled in', () => GIG(), (item) => {
    assert.equal(item.status, 'announced');
    assert.equal(item.price, 0);
    assert.deepEqual(item.tags, []);
  }],
  ['a value given wins over the default', () => gig({ status: 'on_sale', price: 12.5 }), (item) => {
    assert.equal(item.status, 'on_sale');
    assert.equal(item.price, 12.5);
  }],
  ['null on a field that is not nullable counts as absent: the default', () => gig({ status: null }), (item) => {
    assert.equal(item.status, 'announced');
  }],
  ['defaults inside array items', () => gig({ lineup: [{ artist: 'A' }, { artist: 'B', set_minutes: 90, headliner: true }] }), (item) => {
    assert.deepEqual(item.lineup, [
      { artist: 'A', set_minutes: 45, headliner: false },
      { artist: 'B', set_minutes: 90, headliner: true },
    ]);
  }],
  ['a nullable field sent as null', () => gig({ doors_open: null }), (item) => {
    assert.equal(item.title, 'Spring');
  }],
  ['every format and the pattern, valid', () => gig({
    slug: 'spring-2025',
    doors_open: '2025-06-01T19:30:00.5+02:00',
    ticket_batch: '0190B6A2-7C1E-7ABC-8DEF-0123456789AB',
  }), (item) => {
    assert.equal(item.slug, 'spring-2025');
  }],
  ['a ref holding an id the server made', () => GIG(), (item) => {
    assert.equal(item.venue_id, venueId);
  }],
];

describe('201: defaults on create, valid values kept (POST /api/gigs)', () => {
  for (const [what, body, check] of rows(GIG_201)) {
    it(what, async () => {
      const res = await send('POST', '/api/gigs', body());
      assert.equal(res.status, 201, res.body);
      check(parsed(res));
    });
  }
});

it('update refuses a readonly field and fills in no default', async () => {
  const created = parsed(await send('POST', '/api/gigs', GIG()));
  const refused = await send('PUT', `/api/venues/${venueId}`, venue({ verified: false }));
  assert.equal(refused.status, 422, refused.body);
  assert.deepEqual(parsed(refused).problems, [p('verified', 'read-only: set by the server')]);
  const res = await send('PUT', `/api/gigs/${created.id}`, GIG());
  assert.equal(res.status, 200, res.body);
  assert.equal(parsed(res).status, undefined, 'update replaces the item as sent');
});

it('a valid venue with every optional rule: url, email, nullable capacity', async () => {
  const res = await send('POST', '/api/venues', venue({
    website: 'https://hall.example.com/en?x=1#top',
    contact: 'Booking+Desk@hall.example.co.uk',
    capacity: null,
    address: { city: 'Paris', country: 'FR', geo: { lat: 48.85, lng: 2.35 } },
  }));
  assert.equal(res.status, 201, res.body);
  assert.deepEqual(parsed(res).address.geo, { lat: 48.85, lng: 2.35 });
});

plan(2);

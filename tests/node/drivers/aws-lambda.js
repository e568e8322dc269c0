// Driver: AWS Lambda behind an API Gateway HTTP API, payload format 2.0 (`export const handler(event, context)`).
//
// Each request is a payload 2.0 event as API Gateway sends it: version, routeKey, rawPath,
// rawQueryString, cookies (taken out of the Cookie header), headers (lower case), queryStringParameters
// (only when there is a query), pathParameters, requestContext { accountId, apiId, domainName,
// domainPrefix, http { method, path, protocol, sourceIp, userAgent }, requestId, routeKey, stage,
// time, timeEpoch, authorizer (only with `claims`) }, body and isBase64Encoded (text bodies as text,
// others base64); and a Lambda context (awsRequestId, function name/ARN, log group, ...).
// Variants: `$default` (the default stage: no prefix) and `prod` (a named stage: rawPath and
// requestContext.http.path start with /prod). The path is passed raw, as API Gateway's rawPath.
// `call({ ..., claims })` puts JWT authorizer claims in requestContext.authorizer.jwt.claims (the
// api-gateway-jwt projects). Settings (JWT_*) live in process.env, as in Lambda.
'use strict';

const { pathToFileURL } = require('node:url');
const crypto = require('node:crypto');
const { entryFile, lowerCaseHeaders, queryString, isTextBody, withProcessEnv, joinHeaderPairs, uuid } = require('../lib/platform.js');

const API_ID = 'r3pmxmplak';
const DOMAIN = `${API_ID}.execute-api.us-east-2.amazonaws.com`;
const paths = 'raw';
const variants = ['$default', 'prod'];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's requestContext.time: `10/Mar/2020:05:16:23 +0000`. */
function gatewayTime(date) {
  const two = (n) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:`
    + `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** The route (template.yaml: ANY /api and ANY /api/{proxy+}) and its path parameters. */
function route(p) {
  if (p.startsWith('/api/')) return { routeKey: 'ANY /api/{proxy+}', pathParameters: { proxy: p.slice(5) } };
  return { routeKey: 'ANY /api', pathParameters: undefined };
}

function lambdaContext(awsRequestId) {
  const name = 'notes-api-ApiFunction-Q1w2E3r4T5y6';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-2:123456789012:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `2026/11/25/[$LATEST]${crypto.randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => 9000,
  };
}

/** A payload 2.0 event for one request. */
function payloadEvent({ method, path: p, headers, body, query, claims }, stage) {
  const sent = lowerCaseHeaders(headers);
  const cookies = sent.cookie ? sent.cookie.split(/;\s*/).filter(Boolean) : undefined;
  delete sent.cookie;
  const text = body === undefined || body === null ? undefined : String(body);
  if (text !== undefined) sent['content-length'] = String(Buffer.byteLength(text, 'utf8'));
  const base64 = text !== undefined && !isTextBody(sent['content-type']);
  const rawPath = stage === '$default' ? p : `/${stage}${p}`;
  const now = new Date();
  const requestId = `${crypto.randomBytes(10).toString('base64').slice(0, 14)}=`;
  const { routeKey, pathParameters } = route(p);
  const event = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: queryString(query),
    ...(cookies ? { cookies } : {}),
    headers: {
      accept: '*/*',
      'user-agent': 'curl/8.5.0',
      ...sent,
      host: DOMAIN,
      'x-amzn-trace-id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${crypto.randomBytes(12).toString('hex')}`,
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    ...(Object.keys(query || {}).length > 0 ? { queryStringParameters: { ...query } } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: API_ID,
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      domainName: DOMAIN,
      domainPrefix: API_ID,
      http: {
        method: method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: sent['user-agent'] || 'curl/8.5.0',
      },
      requestId,
      routeKey,
      stage,
      time: gatewayTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: base64,
  };
  if (text !== undefined) event.body = base64 ? Buffer.from(text, 'utf8').toString('base64') : text;
  return event;
}

async function load(projectDir, { settings = {}, variant = variants[0] } = {}) {
  if (!variants.includes(variant)) throw new Error(`aws-lambda driver: unknown variant ${variant}`);
  const api = entryFile(projectDir, 'src/api.js');
  Object.assign(process.env, settings);
  const mod = await import(pathToFileURL(api).href);
  if (typeof mod.handler !== 'function') throw new Error(`${api} exports no handler`);

  return async function call({ method = 'GET', path: p, headers = {}, body, query = {}, claims, settings: override }) {
    const event = payloadEvent({ method, path: p, headers, body, query, claims }, variant);
    const awsRequestId = uuid();
    const res = await withProcessEnv(override || settings, Object.keys(settings),
      () => mod.handler(event, lambdaContext(awsRequestId)));
    if (res === null || typeof res !== 'object' || !Number.isInteger(res.statusCode)) {
      throw new TypeError(`not a payload 2.0 result with a statusCode: ${JSON.stringify(res)}`);
    }
    for (const [name, value] of Object.entries(res.headers || {})) {
      if (typeof value !== 'string') throw new TypeError(`payload 2.0 header ${name} is not a string: ${JSON.stringify(value)}`);
    }
    const pairs = Object.entries(res.headers || {});
    for (const cookie of res.cookies || []) pairs.push(['set-cookie', cookie]);
    const out = typeof res.body === 'string' ? res.body : '';
    return {
      status: res.statusCode,
      headers: joinHeaderPairs(pairs),
      body: res.isBase64Encoded ? Buffer.from(out, 'base64').toString('utf8') : out,
      platformRequestId: awsRequestId,
    };
  };
}

module.exports = { paths, variants, load };

// Test overlay (tests/e2e_aws_lambda.rs, lambda-local events; copied over the jwt-cors project's
// src/methods/notes-read.js): echoes what the handler got from a payload 2.0 event and sets two
// cookies, which the adapter must return in the result's `cookies` array.
export default async function notesRead({ user, params, query, headers, requestId, event, context }) {
  return {
    status: 200,
    headers: {
      'Set-Cookie': ['sid=s-2; Path=/; HttpOnly; Secure; SameSite=Lax', 'theme=light; Path=/'],
      'X-Note': 'n',
    },
    body: {
      user: user.id,
      params,
      query,
      cookie: headers.cookie === undefined ? null : headers.cookie,
      eventCookies: event.cookies === undefined ? null : event.cookies,
      stage: event.requestContext.stage,
      requestId,
      awsRequestId: context.awsRequestId,
    },
  };
}

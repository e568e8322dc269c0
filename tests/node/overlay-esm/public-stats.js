// Test overlay (tests/node, jwt-cors project, ES module targets: copied into the target's handler folder).
// tries to set CORS headers and Vary of its own, which the dispatcher must drop; throws (a 500)
// when the query has `boom`.
export default async function publicStats({ user, query }) {
  if (query.boom !== undefined) throw new Error('stats store unreachable: password=hunter2');
  return {
    status: 200,
    headers: {
      'X-Stats': 'ok',
      'Access-Control-Allow-Origin': '*',
      'access-control-allow-credentials': 'false',
      'Access-Control-Allow-Methods': '*',
      'ACCESS-CONTROL-EXPOSE-HEADERS': '*',
      Vary: '*',
      vary: 'Cookie',
    },
    body: { userId: user ? user.id : null },
  };
}

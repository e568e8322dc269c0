// Test overlay (tests/node, lambda-gateway project, aws-lambda target: copied into src/methods/).
// Echoes what the dispatcher hands over: the user made from API Gateway's JWT authorizer claims.
export default async function itemsCreate({ user, params, body }) {
  return {
    status: 201,
    body: { op: 'itemsCreate', user: user && { id: user.id, email: user.email, roles: user.roles }, params, body },
  };
}

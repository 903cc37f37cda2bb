// The explorer's only way to the API: named operations from queries/*.graphql, sent as automatic
// persisted queries over GET, so the browser's HTTP cache and the server's ETags work for them.

const ENDPOINT = "/graphql";
const MANIFEST = "/explorer/queries.json";

let manifest = null;

/** `{operations: {name: sha256}, documents: {sha256: document}}`, hashed by the server. */
function queries() {
  manifest ??= fetch(MANIFEST).then((response) => {
    if (!response.ok) throw new Error(`the explorer's queries did not load (HTTP ${response.status})`);
    return response.json();
  });
  manifest.catch(() => { manifest = null; });
  return manifest;
}

/** The API answered with errors; `codes` are their `extensions.code`. */
export class APIError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join("; "));
    this.codes = errors.map((error) => error.extensions?.code);
  }
}

async function get(parameters) {
  const response = await fetch(`${ENDPOINT}?${parameters}`, {
    headers: { Accept: "application/graphql-response+json, application/json;q=0.9" },
  });
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) throw new Error(`the API answered HTTP ${response.status}`);
  return response.json();
}

function persistedQueryNotFound(body) {
  return body.errors?.some((error) => error.extensions?.code === "PERSISTED_QUERY_NOT_FOUND");
}

/**
 * The `data` of one named operation. The first request sends the document's hash alone; if the
 * server does not know it yet, the second sends the document too, and the server remembers it.
 */
export async function request(operationName, variables = {}) {
  const { operations, documents } = await queries();
  const hash = operations[operationName];
  if (!hash) throw new Error(`the explorer has no query named ${operationName}`);
  const parameters = new URLSearchParams({
    operationName,
    variables: JSON.stringify(variables),
    extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }),
  });
  let body = await get(parameters);
  if (persistedQueryNotFound(body)) {
    parameters.set("query", documents[hash]);
    body = await get(parameters);
  }
  if (body.errors?.length) throw new APIError(body.errors);
  return body.data;
}

// graphql-http's GraphQL-over-HTTP audit of a server: prints one JSON line of counts and every
// audit that did not pass.
import { serverAudits } from 'graphql-http';

const audits = serverAudits({ url: process.argv[2], fetchFn: fetch });
const failed = [];
for (const audit of audits) {
  const result = await audit.fn();
  if (result.status !== 'ok') failed.push({ id: audit.id, name: audit.name, status: result.status, reason: result.reason });
}
console.log(JSON.stringify({ audits: audits.length, failed }));

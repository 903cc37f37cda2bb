// graphql-ws, the graphql-transport-ws client: subscribes to `changePublished` at the URL given, prints
// `ready` once the server has acknowledged the connection, then the first event's data as JSON, and ends.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url] = process.argv.slice(2);
const client = createClient({ url, webSocketImpl: WebSocket, on: { connected: () => console.log('ready') } });
const events = client.iterate({ query: 'subscription { changePublished { number state summary author } }' });
const timeout = setTimeout(() => {
  console.error('no event within 30 s');
  process.exit(1);
}, 30000);
const { value } = await events.next();
clearTimeout(timeout);
console.log(JSON.stringify(value));
await events.return();
await client.dispose();

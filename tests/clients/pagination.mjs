// Apollo Client with relayStylePagination: pages a connection with fetchMore, forward or backward,
// and prints the list the cache merged next to the same list asked for in one page.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

const [url, field, direction, size] = process.argv.slice(2);
const client = new ApolloClient({
  link: new HttpLink({ uri: url, fetch }),
  cache: new InMemoryCache({ typePolicies: { Query: { fields: { [field]: relayStylePagination() } } } }),
});

const forward = direction === 'forward';
const page = gql(`query Page($first: Int, $after: String, $last: Int, $before: String) {
  ${field}(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}`);
const whole = gql(`query Whole { ${field}(first: 100) { edges { node { id } } } }`);

const variables = forward ? { first: Number(size) } : { last: Number(size) };
const watched = client.watchQuery({ query: page, variables });
const subscription = watched.subscribe(() => {});
let data = (await client.query({ query: page, variables })).data;
let requests = 1;
while (forward ? data[field].pageInfo.hasNextPage : data[field].pageInfo.hasPreviousPage) {
  const more = forward ? { after: data[field].pageInfo.endCursor } : { before: data[field].pageInfo.startCursor };
  await watched.fetchMore({ variables: more });
  requests += 1;
  data = client.readQuery({ query: page, variables });
}
subscription.unsubscribe();
const expected = (await client.query({ query: whole, fetchPolicy: 'network-only' })).data[field].edges.map((edge) => edge.node.id);
console.log(JSON.stringify({
  requests,
  totalCount: data[field].totalCount,
  merged: data[field].edges.map((edge) => edge.node.id),
  expected,
}));

// Search results read from the last page backward ("earlier results"), with `last` and `before`.
import { graphql } from './graphql';

export const searchPageQuery = graphql`
  query SearchPageQuery($query: String!, $last: Int!) {
    ...SearchPage_results @arguments(query: $query, last: $last)
  }
`;

export const results = graphql`
  fragment SearchPage_results on Query
  @refetchable(queryName: "SearchPageResultsPaginationQuery")
  @argumentDefinitions(
    query: { type: "String!" }
    last: { type: "Int", defaultValue: 10 }
    before: { type: "String" }
  ) {
    search(query: $query, last: $last, before: $before) @connection(key: "SearchPage_search") {
      totalCount
      edges {
        rank
        snippet
        node {
          __typename
          ... on Node { id }
        }
      }
    }
  }
`;

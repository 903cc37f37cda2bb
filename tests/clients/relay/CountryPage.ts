// A country page: the country, then its relations and the agreements it is a party to, each paged with
// `usePaginationFragment` under `@connection` ("show more").
import { graphql } from './graphql';

export const countryPageQuery = graphql`
  query CountryPageQuery($code: String!, $first: Int!) {
    country(by: { code: $code }) {
      id
      name
      ...CountryPage_relations @arguments(first: $first)
      ...CountryPage_agreements @arguments(first: $first)
    }
  }
`;

export const relations = graphql`
  fragment CountryPage_relations on Country
  @refetchable(queryName: "CountryPageRelationsPaginationQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" }) {
    relations(first: $first, after: $after) @connection(key: "CountryPage_relations") {
      totalCount
      edges {
        node {
          id
          slug
          status
          established { text }
          countries { id code name }
        }
      }
    }
  }
`;

export const agreements = graphql`
  fragment CountryPage_agreements on Country
  @refetchable(queryName: "CountryPageAgreementsPaginationQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" }) {
    agreements(first: $first, after: $after) @connection(key: "CountryPage_agreements") {
      totalCount
      edges {
        node {
          id
          slug
          title
          signed { text }
          citations { ...Refetchable_citation }
        }
      }
    }
  }
`;

// One fragment per type that implements `Node`, each `@refetchable`: a component shows one object and fetches
// it again by its id (`node(id:)`) to refresh it.
import { graphql } from './graphql';

export const region = graphql`
  fragment Refetchable_region on Region @refetchable(queryName: "RefetchRegionQuery") {
    id
    code name
  }
`;

export const country = graphql`
  fragment Refetchable_country on Country @refetchable(queryName: "RefetchCountryQuery") {
    id
    code name
  }
`;

export const relation = graphql`
  fragment Refetchable_relation on Relation @refetchable(queryName: "RefetchRelationQuery") {
    id
    slug status
  }
`;

export const relationLabel = graphql`
  fragment Refetchable_relationLabel on RelationLabel @refetchable(queryName: "RefetchRelationLabelQuery") {
    id
    text
  }
`;

export const event = graphql`
  fragment Refetchable_event on Event @refetchable(queryName: "RefetchEventQuery") {
    id
    slug title date { text }
  }
`;

export const eventParticipant = graphql`
  fragment Refetchable_eventParticipant on EventParticipant @refetchable(queryName: "RefetchEventParticipantQuery") {
    id
    role basis
  }
`;

export const agreement = graphql`
  fragment Refetchable_agreement on Agreement @refetchable(queryName: "RefetchAgreementQuery") {
    id
    slug title
  }
`;

export const mechanism = graphql`
  fragment Refetchable_mechanism on Mechanism @refetchable(queryName: "RefetchMechanismQuery") {
    id
    slug name
  }
`;

export const person = graphql`
  fragment Refetchable_person on Person @refetchable(queryName: "RefetchPersonQuery") {
    id
    slug name
  }
`;

export const office = graphql`
  fragment Refetchable_office on Office @refetchable(queryName: "RefetchOfficeQuery") {
    id
    title startDate { text }
  }
`;

export const statistic = graphql`
  fragment Refetchable_statistic on Statistic @refetchable(queryName: "RefetchStatisticQuery") {
    id
    slug value unit
  }
`;

export const theme = graphql`
  fragment Refetchable_theme on Theme @refetchable(queryName: "RefetchThemeQuery") {
    id
    slug name
  }
`;

export const source = graphql`
  fragment Refetchable_source on Source @refetchable(queryName: "RefetchSourceQuery") {
    id
    slug title
  }
`;

export const citation = graphql`
  fragment Refetchable_citation on Citation @refetchable(queryName: "RefetchCitationQuery") {
    id
    excerpt startOffset endOffset
  }
`;

// The `graphql` tag as an app imports it from `react-relay`: relay-compiler reads the tagged documents and
// generates each one's artifact; the app's code is not run here, only its operations.
export declare function graphql(document: TemplateStringsArray): unknown;

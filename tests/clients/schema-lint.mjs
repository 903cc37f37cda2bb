// @graphql-eslint's schema-recommended and relay rules over the committed schema. Prints every finding as JSON.
//
// Three rules take options, each for a reason the schema states in its own shape:
// - relay-edge-types: a list may hold other than edges. Every connection has `nodes` beside `edges` (GitHub's
//   shortcut), `Query.nodes(ids:)` is the Relay specification's own, and what a record holds only a few of
//   (`citations`, `participants`, `parties`) stays a list. Each edge's `node` must still be a `Node`.
// - strict-id-in-types: connections, edges and `PageInfo` are pages, not objects a cache keeps, and
//   `PartialDate` and the counts of `EventStats` are values of the object that holds them, as are a change's
//   `ChangeEntry`s and `HistoryEntry`s; a mutation's `…Payload` and its `UserError`s are its answer, kept by no cache.
// - no-typename-prefix is off: `Event.eventKind`, `Agreement.agreementKind` and `Mechanism.mechanismKind` are
//   named apart on purpose, so that the members of `SearchItem` agree on every field name they share.
import { ESLint } from 'eslint';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';

const [root, schema] = process.argv.slice(2);
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.graphql'],
      languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema } } },
      plugins: { '@graphql-eslint': graphqlPlugin },
      rules: {
        ...graphqlPlugin.configs['flat/schema-recommended'].rules,
        ...graphqlPlugin.configs['flat/schema-relay'].rules,
        '@graphql-eslint/relay-edge-types': ['error', { listTypeCanWrapOnlyEdgeType: false }],
        '@graphql-eslint/strict-id-in-types': [
          'error',
          {
            exceptions: {
              suffixes: ['Connection', 'Edge', 'Payload'],
              types: [
                'PageInfo',
                'PartialDate',
                'EventStats',
                'KindCount',
                'DecadeCount',
                'ThemeCount',
                'ChangeEntry',
                'HistoryEntry',
                'UserError',
              ],
            },
          },
        ],
        '@graphql-eslint/no-typename-prefix': 'off',
      },
    },
  ],
});
const results = await eslint.lintFiles([schema]);
console.log(JSON.stringify(results.flatMap((result) => result.messages.map((message) => ({
  line: message.line, rule: message.ruleId, message: message.message,
})))));

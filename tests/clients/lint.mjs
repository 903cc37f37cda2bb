// @graphql-eslint's operations-recommended rules over every document the project ships, all together, against the
// committed schema, with the depth rule at the server's own limit. Prints every finding as JSON.
import { ESLint } from 'eslint';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';

const [root, schema, maxDepth, ...documents] = process.argv.slice(2);
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.graphql'],
      languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema, documents } } },
      plugins: { '@graphql-eslint': graphqlPlugin },
      rules: {
        ...graphqlPlugin.configs['flat/operations-recommended'].rules,
        '@graphql-eslint/selection-set-depth': ['error', { maxDepth: Number(maxDepth) }],
      },
    },
  ],
});
const results = await eslint.lintFiles(documents);
console.log(JSON.stringify(results.flatMap((result) => result.messages.map((message) => ({
  file: result.filePath, line: message.line, rule: message.ruleId, message: message.message,
})))));

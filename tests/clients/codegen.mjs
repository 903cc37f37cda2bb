// graphql-codegen over a live server's schema (read by introspection) and the project's
// operations, then the TypeScript compiler in strict mode over what it generated.
import { generate } from '@graphql-codegen/cli';

const [url, output, ...documents] = process.argv.slice(2);
await generate({
  schema: url,
  documents,
  generates: {
    [output]: {
      plugins: ['typescript-operations'],
      config: {
        strictScalars: true,
        scalars: { Date: 'string', JSON: 'unknown' },
      },
    },
  },
  silent: true,
}, true);

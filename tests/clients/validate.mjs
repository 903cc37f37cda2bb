// graphql-inspector's document validation (the engine of `graphql-inspector validate`) over every document the
// project ships, all together, against the committed schema: each document must fit the schema, and each
// fragment name be defined once across them all. Prints the invalid documents, with their errors, as JSON.
import { readFileSync } from 'node:fs';
import { buildSchema, Source } from 'graphql';
import { validate } from '@graphql-inspector/core';

const [schemaPath, ...paths] = process.argv.slice(2);
const schema = buildSchema(readFileSync(schemaPath, 'utf8'));
const sources = paths.map((path) => new Source(readFileSync(path, 'utf8'), path));
const invalid = validate(schema, sources, { strictFragments: true });
console.log(JSON.stringify(invalid.map((document) => ({
  source: document.source.name,
  errors: document.errors.map((error) => error.message),
  deprecated: document.deprecated.map((error) => error.message),
}))));

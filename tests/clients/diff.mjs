// graphql-inspector's schema diff (the engine of `graphql-inspector diff`) between two SDL files: every change,
// with its criticality (BREAKING, DANGEROUS, NON_BREAKING), its schema coordinate and its message, as JSON.
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { diff } from '@graphql-inspector/core';

const [before, after] = process.argv.slice(2).map((path) => buildSchema(readFileSync(path, 'utf8')));
const changes = await diff(before, after);
console.log(JSON.stringify(changes.map((change) => ({
  criticality: change.criticality.level,
  path: change.path ?? '',
  message: change.message,
}))));

// PostGraphile 5 on the benchmark's PostgreSQL database, as `python -m bench` runs it (bench/rivals.py), after
// `npm ci` here and bench/postgraphile/functions.sql in that database:
//   BENCH_POSTGRAPHILE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bilateral_bench \
//   BENCH_POSTGRAPHILE_PORT=5678 NODE_ENV=production npm start
// (`npm start` puts node_modules/.bin first on the PATH: the Node 22 of the `node` package, not the system's.)
// It exposes the API's tables (schema `public`, which the benchmark only reads) and the few functions of
// functions.sql (schema `postgraphile_bench`) that give it the API's sets and orders.
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const connectionString = process.env.BENCH_POSTGRAPHILE_DATABASE_URL;
const port = Number(process.env.BENCH_POSTGRAPHILE_PORT);
if (!connectionString || !port) {
  throw new Error("set BENCH_POSTGRAPHILE_DATABASE_URL and BENCH_POSTGRAPHILE_PORT");
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString, schemas: ["public", "postgraphile_bench"] })],
  grafserv: {
    host: "127.0.0.1",
    port,
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    websockets: false,
  },
  grafast: { explain: false },
};

export default preset;

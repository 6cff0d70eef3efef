// PostGraphile 5 over Gatehouse's PostgreSQL database: the peer of the member-page benchmark.
// Plain JavaScript so the peer runs on bare `node` with no TypeScript loader in its process (its
// memory is measured). Configured as the documentation's default deployment (the Amber preset, no
// GraphiQL, production mode), with no authorization: it answers whatever it is asked.
//   DATABASE_URL=… PORT=… NODE_ENV=production node bench/peers/postgraphile.mjs
import "./with-resolvers.mjs";
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const preset = {
  extends: [PostGraphileAmberPreset],
  // Without an index on the order, PostGraphile offers no `orderBy` on created_at; this lets it
  // order like Gatehouse does whether or not that index exists.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"], poolConfig: { max: 10 } }),
  ],
  grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error) => {
  console.error(error);
  process.exit(1);
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(JSON.stringify({ ready: `http://127.0.0.1:${server.address().port}` }));
});
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => pgl.release().then(() => process.exit(0))));

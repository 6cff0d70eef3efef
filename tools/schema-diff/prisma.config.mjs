// Prisma 6.19 CLI configuration: the WASM schema engine ("js" engine) with an in-memory PGlite,
// so `migrate diff` runs with no native binary and no database server.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

export default {
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return new PrismaPGlite(new PGlite());
  },
};

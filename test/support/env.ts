// Which database the tests run on: the embedded PGlite by default, PostgreSQL when
// GATEHOUSE_TEST_DATABASE_URL names a server (any database there: it is used to create and drop
// one fresh database per test file).
export const testPostgresUrl = process.env.GATEHOUSE_TEST_DATABASE_URL || undefined;
export const testBackend: "embedded" | "postgres" = testPostgresUrl ? "postgres" : "embedded";

/** The URL of database `name` on the test PostgreSQL server. */
export function postgresUrlFor(name: string): string {
  const url = new URL(testPostgresUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

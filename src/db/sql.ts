// A minimal raw-SQL session shared by the embedded and the PostgreSQL backends. Prisma serves the
// application; this serves what Prisma cannot: migrations (multi-statement scripts under a
// session-level advisory lock) and health checks.

export interface SqlSession {
  /** Runs one parameterized statement and returns its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of one or more statements without parameters. */
  exec(script: string): Promise<void>;
}

export interface SqlPool {
  /** Lends one connection for the duration of `work`. */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}

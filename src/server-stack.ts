// What serving needs beyond the database: the auth services, the GraphQL schema and server, the HTTP
// app and the background workers. startServer (src/server.ts) imports this while the database opens:
// the two are independent until the first query, and loading this stack and opening PGlite (reading
// and compiling its WebAssembly, on V8's background threads) were each a large part of a start.
export { createAuthServices } from "./auth/services.js";
export { ChangeFeed } from "./changes.js";
export { AuditBatcher } from "./domain/audit-batch.js";
export { DenialAggregator } from "./domain/audit-denials.js";
export { recordAuditOnly } from "./domain/audit.js";
export { AuditRetention } from "./domain/audit-retention.js";
export { buildSchema } from "./graphql/schema/index.js";
export { createGraphQL } from "./graphql/yoga.js";
export { createRequestListener } from "./http/app.js";
export { createDevelopmentAccess } from "./http/development/access.js";
export { publishDevelopmentServer } from "./http/development/server-file.js";
export { Metrics } from "./http/metrics.js";
export { WebhookWorker } from "./webhooks/worker.js";

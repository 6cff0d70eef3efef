// The development playground `npm start` opens on a fresh clone: the server, once it listens,
// bootstraps the admin application and the organization template and (unless `--no-demo`) the demo
// organizations, then prints where GraphiQL is and how to get a token. Development mode only: in
// production, bootstrapping stays the operator's explicit `gatehouse bootstrap`.
import { access, mkdir, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Config } from "../config/index.js";
import { bootstrap } from "../domain/bootstrap.js";
import { type DemoOrganization, demoOrganizations, seedDemo } from "../domain/demo.js";
import { seedTemplate } from "../domain/seed.js";
import type { RunningServer } from "../server.js";

/** Where a playground keeps the admin application's credentials (mode 0600), as `bootstrap` shows them once. */
export const ADMIN_APPLICATION_FILE = "admin-application.json";

export interface Playground {
  graphiql: string;
  console: string | undefined;
  adminClientId: string;
  /** The file holding the admin application's secret, when this data folder has one. */
  adminCredentials: string | undefined;
  demo: DemoOrganization[];
}

export async function preparePlayground(config: Config, running: RunningServer, options: { demo: boolean }): Promise<Playground> {
  const context = { prisma: running.db.prisma, actor: "cli" };
  const admin = await bootstrap(context.prisma, config.tokens.managementResource);
  await seedTemplate(context);
  if (options.demo) await seedDemo(context);
  const inMemory = config.dataDir.startsWith("memory://");
  const credentials = inMemory ? undefined : join(config.dataDir, ADMIN_APPLICATION_FILE);
  if (credentials && admin.clientSecret) {
    await mkdir(config.dataDir, { recursive: true });
    await rm(credentials, { force: true }); // a new file gets mode 0600
    const body = { clientId: admin.clientId, clientSecret: admin.clientSecret, tokenEndpoint: `${running.services.issuer()}/oauth/token` };
    await writeFile(credentials, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  }
  const stored = credentials && (await access(credentials).then(() => true, () => false));
  return {
    graphiql: `${running.url}/graphql`,
    console: config.console.enabled ? `${running.url}${config.console.path}` : undefined,
    adminClientId: admin.clientId,
    adminCredentials: stored ? credentials : undefined,
    demo: options.demo ? await demoOrganizations(context) : [],
  };
}

/** The lines `npm start` prints once the playground is ready. */
export function playgroundBanner(playground: Playground): string {
  const token = "npm run -s gatehouse -- token";
  const lines = [
    "",
    "Gatehouse is ready (development mode).",
    `  GraphiQL:  ${playground.graphiql}`,
    "             its Tokens panel (the key icon) mints tokens: management, or as any user in an organization",
    ...(playground.console ? [`  Console:   ${playground.console}`] : []),
    `  Token:     ${token} --management`,
    `             then in GraphiQL's Headers tab: { "Authorization": "Bearer <token>" }`,
  ];
  if (playground.demo.length > 0) {
    lines.push("  Demo users (a member's token: add --user <email> --organization <organization id>):");
    for (const organization of playground.demo) {
      const members = organization.members.map((member) => `${member.email} (${member.roles.join(", ")})`).join(", ");
      lines.push(`    ${organization.name} ${organization.id}: ${members}`);
    }
    const first = playground.demo[0]!;
    lines.push(`    e.g. ${token} --user ${first.members[0]?.email ?? "<email>"} --organization ${first.id}`);
  }
  const stored = playground.adminCredentials ? `; its secret is in ${shortPath(playground.adminCredentials)}` : "";
  lines.push(`  Admin M2M application: ${playground.adminClientId}${stored}`, "");
  return lines.join("\n");
}

/** `.gatehouse/file` for a file under the working folder, else the absolute path. */
function shortPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith("..") ? path : fromHere;
}

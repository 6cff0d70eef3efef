// An organization run by its own members, on the default template: Ada is the admin, Grace a
// member, Alan a viewer; an M2M application is in it too. Tokens come from the token endpoint.
import type { PrismaClient } from "../../src/db/index.js";
import { seedTemplate } from "../../src/domain/seed.js";
import { fixtures } from "./fixtures.js";
import { organizationToken } from "./oauth.js";
import type { TestServer } from "./server.js";

export async function organizationOfMembers(server: TestServer, name = "Acme") {
  const prisma: PrismaClient = server.db.prisma;
  await seedTemplate({ prisma, actor: "test" });
  const f = fixtures(prisma);
  const organization = await f.organization({ name });
  const role = async (roleName: string) => (await prisma.organizationRole.findUniqueOrThrow({ where: { name: roleName } })).id;
  const [ada, grace, alan] = await Promise.all([
    f.user({ name: `Ada ${name}` }),
    f.user({ name: `Grace ${name}` }),
    f.user({ name: `Alan ${name}` }),
  ]);
  await f.member(organization.id, ada.id, [await role("admin")]);
  await f.member(organization.id, grace.id, [await role("member")]);
  await f.member(organization.id, alan.id, [await role("viewer")]);
  const app = await f.application(`Sync ${name}`);
  await f.applicationMember(organization.id, app.id);
  return {
    organization,
    users: { ada, grace, alan },
    app,
    role,
    /** A fresh organization token for a member (reflects their current roles). */
    token: (user: { id: string }) => organizationToken(server, user.id, organization.id),
  };
}

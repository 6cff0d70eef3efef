// Facts about this Gatehouse server, public by nature.
import { version } from "../../version.js";
import { isPublic } from "../auth/rules.js";
import { builder } from "../builder.js";

interface ServerInfoShape {
  version: string;
}

const ServerInfo = builder.objectRef<ServerInfoShape>("ServerInfo").implement({
  description: "This Gatehouse server.",
  fields: (t) => ({
    version: t.exposeString("version", { auth: isPublic, description: "Gatehouse version (semver)." }),
  }),
});

builder.mutationType({ description: "Changes. Each names the scopes it needs in @requiresScopes." });

builder.queryType({
  fields: (t) => ({
    serverInfo: t.field({
      type: ServerInfo,
      auth: isPublic,
      description: "Facts about this server; needs no token.",
      resolve: () => ({ version }),
    }),
  }),
});

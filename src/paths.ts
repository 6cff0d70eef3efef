// Files of the installation that ship beside the code (migrations, the embedded database's template,
// the console's build, GraphiQL's Tokens panel, package.json). This module sits one folder below the
// installation's root wherever it runs: src/ (tsx) and dist/ (the built bundle, whose files all sit
// directly in dist/); paths relative to a deeper module would break once it is bundled into dist/.
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);

/** The URL of `relative` (e.g. "prisma/migrations") under the installation's root. */
export function installationUrl(relative: string): URL {
  return new URL(relative, root);
}

/** The file-system path of `relative` under the installation's root. */
export function installationPath(relative: string): string {
  return fileURLToPath(installationUrl(relative));
}

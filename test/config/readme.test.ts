// The README's configuration table documents exactly the options the code reads.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { optionSpecs } from "../../src/config/index.js";

describe("README configuration table", () => {
  it("has one row per option, with its flag and default", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| `--([a-z-]+)` \| ([^|]+) \|/gm)].map((match) => ({
      env: match[1],
      flag: match[2],
      defaultValue: match[3]!.trim(),
    }));
    const expected = Object.values(optionSpecs).map((spec) => ({
      env: spec.env,
      flag: spec.flag,
      defaultValue: spec.defaultValue === undefined ? "*(unset)*" : `\`${spec.defaultValue}\``,
    }));
    expect(rows).toEqual(expected);
  });
});

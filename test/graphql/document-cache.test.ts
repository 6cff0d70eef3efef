// Yoga's document caches are bounded by size (src/graphql/document-cache.ts): a client sending
// distinct large documents cannot make the process keep them, and a large document still works.
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { MAX_DOCUMENT_CHARS, documentCache } from "../../src/graphql/document-cache.js";
import { useGatehouse } from "../support/gatehouse.js";
import { ok } from "../support/graphql.js";

const gatehouse = useGatehouse({ env: { LOG_LEVEL: "error" } });

/** A valid document of about `chars` characters (a long comment). */
function documentOf(chars: number, tag: string): string {
  return `query ${tag} { serverInfo { version } }\n# ${"x".repeat(chars)}`;
}

describe("the parsed-document cache", () => {
  it("keeps documents up to its size, not larger ones, and at most its total weight", () => {
    const cache = documentCache<object>();
    const small = documentOf(1000, "Small");
    cache.set(small, parse(small));
    expect(cache.get(small)).toBeDefined();
    const large = documentOf(MAX_DOCUMENT_CHARS, "Large");
    cache.set(large, parse(large));
    expect(cache.get(large)).toBeUndefined();
    // Distinct documents just under the entry bound: far fewer than the 1,024 entries fit.
    for (let index = 0; index < 1024; index++) {
      const text = documentOf(MAX_DOCUMENT_CHARS - 100, `Many${index}`);
      cache.set(text, {});
    }
    expect(cache.size).toBeLessThan(1024);
    expect(cache.calculatedSize).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it("answers a document too large to keep, every time it comes", async () => {
    const text = documentOf(MAX_DOCUMENT_CHARS + 10, "Large");
    for (let attempt = 0; attempt < 2; attempt++) expect(ok(await gatehouse.admin<{ serverInfo: { version: string } }>(text)).serverInfo.version).toEqual(expect.any(String));
  });
});

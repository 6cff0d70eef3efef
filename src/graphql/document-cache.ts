// Yoga's caches of parsed documents and of parse errors, bounded by size. Yoga's own keep 1,024 of
// each for an hour by document text, whatever the size; a document may be as large as a request
// body (GATEHOUSE_MAX_BODY_BYTES, 1 MiB), and a parsed one keeps its text, its syntax tree and
// every token's location (measured on the fuzz mix: ~2 bytes per character on top of the text).
// So a client sending distinct large documents (a long string literal is one token) could make
// the process keep gigabytes for an hour. Here: the same count and lifetime, but at most
// MAX_WEIGHT in all, and no document larger than MAX_DOCUMENT_CHARS is kept (it is parsed each
// time it comes, as everything was before caching). lru-cache is what Yoga's caches are made of.
import { LRUCache } from "lru-cache";

/** Larger documents are parsed every time: no client needs them kept, an attacker would. */
export const MAX_DOCUMENT_CHARS = 64 * 1024;
/** What a cached document costs, per character of its text (its text, tree and locations, rounded up). */
const WEIGHT_PER_CHAR = 3;
/** All documents kept, in that weight: ~16 MB. */
const MAX_WEIGHT = 16 * 1024 * 1024;
/** As Yoga's: entries, and an hour unused. */
const MAX_ENTRIES = 1024;
const TTL_MS = 60 * 60 * 1000;

/** A cache of what parsing a document's text gave, for Yoga's `parserAndValidationCache`. */
export function documentCache<Value extends object>(): LRUCache<string, Value> {
  return new LRUCache<string, Value>({
    max: MAX_ENTRIES,
    ttl: TTL_MS,
    maxSize: MAX_WEIGHT,
    maxEntrySize: MAX_DOCUMENT_CHARS * WEIGHT_PER_CHAR,
    sizeCalculation: (_value, text) => Math.max(1, text.length * WEIGHT_PER_CHAR),
  });
}

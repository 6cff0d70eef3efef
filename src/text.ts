// What makes a string unfit to reach the database or a log line, shared by every layer that reads
// outside input: PostgreSQL refuses NUL in text (the statement fails), and an unpaired surrogate is
// not valid Unicode (it would be silently replaced on the way to UTF-8).

/** A UTF-16 surrogate without its partner (what String.prototype.isWellFormed, ES2024, finds). */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with `value` as text of at most `maxLength` characters, or undefined. */
export function textProblem(value: string, maxLength: number): string | undefined {
  if (value.length > maxLength) return `is longer than ${maxLength} characters`;
  if (value.includes("\u0000")) return "contains a NUL character";
  if (UNPAIRED_SURROGATE.test(value)) return "contains an unpaired surrogate (not valid Unicode)";
  return undefined;
}

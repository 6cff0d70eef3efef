// Input validation at the domain's edge: every write is parsed by a schema before it reaches a
// rule, and a bad value becomes BAD_USER_INPUT naming the offending field.
import { z } from "zod";
import type { Prisma } from "../db/index.js";
import { GatehouseError } from "../errors.js";

/** Parses `input` with `schema`, or throws BAD_USER_INPUT for the first problem, at `prefix.path`. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, prefix = "input"): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
  throw new GatehouseError("BAD_USER_INPUT", `${field}: ${issue.message}`, { field });
}

/** A trimmed, non-empty string of at most `max` characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`);

/** An optional description: null clears it; empty strings are stored as null. */
export const description = (max = 256) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((value) => (value === "" ? null : value));

/** An http(s) URL, or null to clear it. */
export const httpUrl = z
  .string()
  .trim()
  .max(2048, "must be at most 2048 characters")
  .refine((value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL");

/** A JSON object (not an array, not a primitive), at most 64 KiB once serialized. */
export const jsonObject = z
  .record(z.string(), z.json(), { error: "must be a JSON object" })
  .refine((value) => JSON.stringify(value).length <= 65_536, "must be at most 64 KiB of JSON")
  .transform((value) => value as Prisma.InputJsonObject);

/** A permission name: no whitespace (it travels in space-separated `scope` strings). */
export const permissionName = (max: number) => text(max).regex(/^\S+$/, "must not contain whitespace");

export const email = z.string().trim().max(254, "must be at most 254 characters").email("must be an email address");

/** A list of ids: at most `max`, duplicates removed. */
export const idList = (max = 100) =>
  z
    .array(z.string().min(1, "must not be empty"), { error: "must be a list of ids" })
    .max(max, `must hold at most ${max} ids`)
    .transform((ids) => [...new Set(ids)]);

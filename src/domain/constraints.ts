// Turning a database constraint the write violated into the error a caller can act on. The
// domain checks rules first, for a specific message; this is the backstop for races.
import { constraintViolation } from "../db/errors.js";
import { GatehouseError } from "../errors.js";

export interface ConstraintMessages {
  /** For a unique violation (23505). */
  unique?: string;
  /** For a foreign-key violation (23503): a referenced row is missing. */
  missing?: string;
  /** For a role-type CHECK or composite key violation. */
  roleType?: string;
}

/** Rethrows `error` as a GatehouseError when it is a known constraint violation. */
export function rethrowConstraint(error: unknown, messages: ConstraintMessages): never {
  const violation = constraintViolation(error);
  if (violation?.sqlState === "23505" && messages.unique) throw new GatehouseError("CONFLICT", messages.unique, { cause: error });
  const roleTypeConstraint = violation?.constraint?.includes("role_type");
  if (roleTypeConstraint && messages.roleType) {
    throw new GatehouseError("ROLE_TYPE_MISMATCH", messages.roleType, { cause: error });
  }
  if (violation?.sqlState === "23503" && messages.missing) throw new GatehouseError("NOT_FOUND", messages.missing, { cause: error });
  throw error;
}

/** Runs `write`, translating constraint violations with `messages`. */
export async function guarded<T>(messages: ConstraintMessages, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    rethrowConstraint(error, messages);
  }
}

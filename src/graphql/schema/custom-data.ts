// `customData`: the product's own JSON record of an organization, user or application. Management
// tokens with the object's read scope see it; nobody else does.
import type { ManagementScope } from "../../domain/management.js";
import { manage } from "../auth/rules.js";

/** Options of a `customData` output field, for `t.field(...)`. */
export function customDataField(scope: ManagementScope, description: string) {
  return {
    type: "JSONObject" as const,
    nullable: true as const,
    description: `${description} Management tokens only.`,
    auth: manage(scope),
    // The column only ever holds JSON objects (enforced on write).
    resolve: (row: { customData: unknown }) => row.customData as Record<string, unknown>,
  };
}

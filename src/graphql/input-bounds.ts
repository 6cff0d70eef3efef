// Bounds on every value a request carries, checked once for the whole request before anything
// (cost counting, variable coercion, resolvers, the database) sees it: argument literals in the
// document and the variables' values. One generic walk instead of a check per field: no string
// argument or input field (ids, names, search, emails, URLs, customData's keys and values) can be
// too long or hold a NUL character or an unpaired surrogate, and no value can nest too deep
// (graphql-js coerces variables recursively; 50,000 levels overflowed its stack).
import { type DocumentNode, type GraphQLSchema, isUnionType, Kind, type ValueNode, valueFromASTUntyped, visit } from "graphql";
import type { Plugin } from "graphql-yoga";
import { GatehouseError } from "../errors.js";
import { toGraphQLError } from "./errors.js";

export const INPUT_BOUNDS = {
  /** Characters in one string value (an id, a name, a search, a customData value or key). */
  maxStringLength: 10_000,
  /** Levels of lists and objects in one argument or variable (customData included). */
  maxDepth: 32,
} as const;

/** A UTF-16 surrogate without its partner (what String.prototype.isWellFormed, ES2024, finds). */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string, or undefined. */
function stringProblem(value: string): string | undefined {
  if (value.length > INPUT_BOUNDS.maxStringLength) return `is longer than ${INPUT_BOUNDS.maxStringLength} characters`;
  if (value.includes("\u0000")) return "contains a NUL character";
  if (UNPAIRED_SURROGATE.test(value)) return "contains an unpaired surrogate (not valid Unicode)";
  return undefined;
}

const TOO_DEEP = `nests deeper than ${INPUT_BOUNDS.maxDepth} levels`;

/** The first problem in a variable's JSON value, with its path; recursion stops at the depth bound. */
function jsonProblem(value: unknown, path: string, depth: number): [string, string] | undefined {
  if (typeof value === "string") {
    const problem = stringProblem(value);
    return problem ? [path, problem] : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  if (depth >= INPUT_BOUNDS.maxDepth) return [path, TOO_DEEP];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = jsonProblem(item, `${path}.${index}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = stringProblem(key);
    if (keyProblem) return [path, `has a key that ${keyProblem}`];
    const found = jsonProblem(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The same for a literal in the document (variables inside it are checked with the variables). */
function literalProblem(node: ValueNode, path: string, depth: number): [string, string] | undefined {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM: {
      const problem = stringProblem(node.value);
      return problem ? [path, problem] : undefined;
    }
    case Kind.LIST:
    case Kind.OBJECT: {
      if (depth >= INPUT_BOUNDS.maxDepth) return [path, TOO_DEEP];
      const entries: [string, ValueNode][] =
        node.kind === Kind.LIST ? node.values.map((value, index) => [String(index), value]) : node.fields.map((field) => [field.name.value, field.value]);
      for (const [key, value] of entries) {
        const found = literalProblem(value, `${path}.${key}`, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The first out-of-bounds value of a request: `[path, problem]`; variables' paths start with `$`. */
export function inputProblem(document: DocumentNode, variables: Record<string, unknown> | undefined): [string, string] | undefined {
  for (const [name, value] of Object.entries(variables ?? {})) {
    const found = jsonProblem(value, `$${name}`, 0);
    if (found) return found;
  }
  let found: [string, string] | undefined;
  visit(document, {
    Argument(node) {
      found ??= literalProblem(node.value, node.name.value, 0);
    },
  });
  return found;
}

/**
 * A router's `_entities(representations:)` must name, in each representation, an entity of this
 * schema: @apollo/subgraph's resolver reads `__typename` from whatever it is given and throws a
 * plain Error (a string, `null`, an unknown type), which would be masked as a bug.
 */
export function representationProblem(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): [string, string] | undefined {
  const entity = schema.getType("_Entity");
  const entities = new Set(entity && isUnionType(entity) ? entity.getTypes().map((type) => type.name) : []);
  let found: [string, string] | undefined;
  visit(document, {
    Field(node) {
      if (found || node.name.value !== "_entities") return;
      const argument = node.arguments?.find((arg) => arg.name.value === "representations");
      if (!argument) return;
      const value: unknown = valueFromASTUntyped(argument.value, variables);
      for (const [index, representation] of (Array.isArray(value) ? value : [value]).entries()) {
        const typename = typeof representation === "object" && representation !== null ? (representation as { __typename?: unknown }).__typename : undefined;
        if (typeof typename !== "string" || !entities.has(typename)) {
          found = [`representations.${index}`, `is not an object whose __typename is an entity (${[...entities].join(", ")})`];
          return;
        }
      }
    },
  });
  return found;
}

function check(schema: GraphQLSchema, document: DocumentNode, variables: unknown) {
  const variableValues = (variables ?? undefined) as Record<string, unknown> | undefined;
  const found = inputProblem(document, variableValues) ?? representationProblem(schema, document, variableValues);
  if (!found) return undefined;
  const [field, problem] = found;
  const error = toGraphQLError(new GatehouseError("BAD_USER_INPUT", `Argument ${field} ${problem}.`, { field }));
  // Refused before execution, like a validation error: HTTP 400 under application/graphql-response+json.
  Object.assign(error.extensions, { http: { status: 400, spec: true } });
  return { errors: [error] };
}

/** Refuses, before anything runs, a request carrying an out-of-bounds value. */
export function useInputBounds(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = check(args.schema, args.document, args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = check(args.schema, args.document, args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}

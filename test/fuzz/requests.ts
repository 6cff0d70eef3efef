// Requests a hostile or careless client could send to /graphql, generated with fast-check from the
// schema itself: random operations over every root field (random selections, arguments as literals
// or variables, with adversarial values), documents broken on purpose, batches, GETs and bodies of
// the wrong type. Each request is plain data, so a failing one prints as it was sent.
import fc from "fast-check";
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from "graphql";

export interface FuzzRequest {
  method: "GET" | "POST";
  /** The query string of a GET. */
  search?: string;
  headers: Record<string, string>;
  body?: string;
  /** Which token the request carries (`none`, `management`, `organization`). */
  token: "none" | "management" | "organization";
}

/** Ids that exist in the fuzzed server, so that some operations reach past "not found". */
export interface KnownIds {
  ids: string[];
}

const MAX_DEPTH = 4;

/** Strings a client should not send, and a few it may. */
function adversarialString(known: KnownIds): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known.ids), weight: 4 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 3 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }), weight: 1 },
    { arbitrary: fc.constantFrom("", " ", "a\u0000b", "\u0000", "\ud800", "x\udfffy", "😀".repeat(3), "\u202e", "%00", "' OR 1=1 --", "${x}", "{{x}}", "null"), weight: 3 },
    { arbitrary: fc.integer({ min: 9_990, max: 10_010 }).map((n) => "x".repeat(n)), weight: 1 },
    { arbitrary: fc.constantFrom("a".repeat(100_000)), weight: 1 },
    { arbitrary: fc.constantFrom("user@example.test", "https://example.test/logo.png", "javascript:alert(1)", "http://127.0.0.1:1/", "data:text/html,x"), weight: 2 },
  );
}

const adversarialInt = fc.oneof(
  fc.integer({ min: -3, max: 120 }),
  fc.constantFrom(-1, 0, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, -(2 ** 53), 1e308),
);

/** A JSON value nested up to `depth` levels (customData, representations, wrong-typed variables). */
function jsonValue(depth: number): fc.Arbitrary<unknown> {
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", maxDepth: depth },
      fc.constant(null),
      fc.boolean(),
      adversarialInt,
      fc.double(),
      fc.string({ maxLength: 8 }),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 3 }),
    ),
  })).value;
}

/** A JSON object nested `levels` deep: {"a":{"a":…}}. */
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
// Deeper values are sent as raw bodies (rawBody): JSON.stringify inside a generator would overflow.
const deepJson = fc.constantFrom(30, 33, 200, 1_000).map((levels) => JSON.parse(deepObject(levels)) as unknown);

/** A value for an input type: usually the right shape with hostile contents, sometimes the wrong shape. */
function inputValue(type: GraphQLInputType, known: KnownIds, depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(jsonValue(2), deepJson);
  if (isNonNullType(type)) return fc.oneof({ arbitrary: inputValue(type.ofType, known, depth), weight: 12 }, { arbitrary: fc.constant(null), weight: 1 });
  const right = (() => {
    if (isListType(type)) return fc.array(inputValue(type.ofType, known, depth + 1), { maxLength: depth > 2 ? 1 : 4 });
    if (isEnumType(type)) return fc.oneof(fc.constantFrom(...type.getValues().map((value) => value.name)), fc.constant("NOT_A_VALUE"));
    if (isInputObjectType(type)) {
      if (depth > 3) return fc.constant({});
      const fields = Object.values(type.getFields());
      return fc.record(
        Object.fromEntries(fields.map((field) => [field.name, inputValue(field.type, known, depth + 1)])),
        { requiredKeys: fields.filter((field) => isNonNullType(field.type) && field.defaultValue === undefined).map((field) => field.name) },
      );
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case "Int":
          return adversarialInt;
        case "Float":
          return fc.oneof(fc.double(), adversarialInt);
        case "Boolean":
          return fc.boolean();
        case "JSONObject":
        case "JSON":
          return fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), jsonValue(3), { maxKeys: 4 }), deepJson);
        case "DateTime":
          return fc.oneof(fc.constantFrom("2026-01-01T00:00:00Z", "not a date", "9999-99-99"), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
        default:
          return adversarialString(known);
      }
    }
    return fc.constant(null);
  })();
  return fc.oneof({ arbitrary: right, weight: 10 }, { arbitrary: wrong, weight: 1 }, { arbitrary: fc.constant(null), weight: 1 });
}

/** A GraphQL literal for a JSON value (strings escaped as JSON strings, which GraphQL reads alike). */
function literal(value: unknown, type: GraphQLInputType | undefined, depth = 0): string {
  if (value === null || value === undefined) return "null";
  // Deeper literals are the parser's business (malformed documents nest 5,000 braces).
  if (depth > 40) return "{ a: 1 }";
  if (typeof value === "string") {
    const named = type ? getNamedType(type) : undefined;
    if (named && isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
    return JSON.stringify(value);
  }
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "0";
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const inner = type && isNonNullType(type) ? type.ofType : type;
    const item = inner && isListType(inner) ? inner.ofType : undefined;
    return `[${value.map((entry) => literal(entry, item, depth + 1)).join(", ")}]`;
  }
  const named = type ? getNamedType(type) : undefined;
  const fields = named && isInputObjectType(named) ? named.getFields() : {};
  const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(key));
  return `{ ${entries.map(([key, entry]) => `${key}: ${literal(entry, fields[key]?.type, depth + 1)}`).join(", ")} }`;
}

interface Built {
  text: string;
  variables: Record<string, unknown>;
  declarations: string[];
}

/** Arguments of a field: required ones always, optional ones sometimes; as literals or variables. */
function argumentsOf(args: readonly GraphQLArgument[], known: KnownIds): fc.Arbitrary<{ text: string; variables: [string, string, unknown][] }> {
  if (args.length === 0) return fc.constant({ text: "", variables: [] });
  return fc
    .tuple(
      ...args.map((arg) =>
        fc.record({
          present: isNonNullType(arg.type) && arg.defaultValue === undefined ? fc.constant(true) : fc.boolean(),
          asVariable: fc.boolean(),
          value: inputValue(arg.type, known),
        }),
      ),
    )
    .map((choices) => {
      const parts: string[] = [];
      const variables: [string, string, unknown][] = [];
      choices.forEach((choice, index) => {
        const arg = args[index]!;
        if (!choice.present) return;
        if (choice.asVariable) {
          const name = `v${Math.abs(hash(arg.name + index))}_${arg.name}`;
          parts.push(`${arg.name}: $${name}`);
          variables.push([name, String(arg.type), choice.value]);
        } else {
          parts.push(`${arg.name}: ${literal(choice.value, arg.type)}`);
        }
      });
      return { text: parts.length ? `(${parts.join(", ")})` : "", variables };
    });
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) | 0;
  return value;
}

/** A selection set on `type`: a few of its fields, each with arguments and selections of its own. */
function selectionOf(type: GraphQLNamedType, known: KnownIds, depth: number, prefix: string): fc.Arbitrary<Built> {
  if (isUnionType(type) || isInterfaceType(type)) {
    const possible = isUnionType(type) ? type.getTypes() : [];
    if (possible.length === 0) return fc.constant({ text: "{ __typename }", variables: {}, declarations: [] });
    return fc.constantFrom(...possible).chain((member) =>
      selectionOf(member, known, depth, prefix).map((inner) => ({ ...inner, text: `{ __typename ... on ${member.name} ${inner.text} }` })),
    );
  }
  if (!isObjectType(type)) return fc.constant({ text: "", variables: {}, declarations: [] });
  const fields = Object.values((type as GraphQLObjectType).getFields());
  const leaves = fields.filter((field) => !isObjectLike(field));
  const candidates = depth >= MAX_DEPTH ? leaves : fields;
  if (candidates.length === 0) return fc.constant({ text: "{ __typename }", variables: {}, declarations: [] });
  return fc
    .uniqueArray(fc.constantFrom(...candidates), { minLength: 1, maxLength: Math.min(4, candidates.length), selector: (field) => field.name })
    .chain((chosen) => fc.tuple(...chosen.map((field, index) => fieldOf(field, known, depth + 1, `${prefix}${index}`))))
    .map((built) => ({
      text: `{ ${built.map((field) => field.text).join(" ")} }`,
      variables: Object.assign({}, ...built.map((field) => field.variables)),
      declarations: built.flatMap((field) => field.declarations),
    }));
}

function isObjectLike(field: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(field.type);
  return isObjectType(named) || isInterfaceType(named) || isUnionType(named);
}

function fieldOf(field: GraphQLField<unknown, unknown>, known: KnownIds, depth: number, prefix: string): fc.Arbitrary<Built> {
  return fc.tuple(argumentsOf(field.args, known), selectionOf(getNamedType(field.type), known, depth, prefix)).map(([args, selection]) => {
    const variables: Record<string, unknown> = {};
    const declarations: string[] = [];
    for (const [name, type, value] of args.variables) {
      variables[`${prefix}${name}`] = value;
      declarations.push(`$${prefix}${name}: ${type}`);
    }
    const text = args.text.replace(/\$(v-?\d+_\w+)/g, `$${prefix}$1`);
    return { text: `${field.name}${text} ${selection.text}`, variables: { ...variables, ...selection.variables }, declarations: [...declarations, ...selection.declarations] };
  });
}

/** A whole operation on one root type. */
function operation(schema: GraphQLSchema, known: KnownIds): fc.Arbitrary<{ query: string; variables: Record<string, unknown> }> {
  const roots = [
    ["query", schema.getQueryType()],
    ["mutation", schema.getMutationType()],
    ["subscription", schema.getSubscriptionType()],
  ] as const;
  const present = roots.filter((root): root is [typeof root[0], GraphQLObjectType] => Boolean(root[1]));
  return fc
    .constantFrom(...present)
    .chain(([keyword, type]) =>
      fc.constantFrom(...Object.values(type.getFields())).chain((field) =>
        fieldOf(field, known, 1, "r").map((built) => {
          const declarations = built.declarations.length ? `(${built.declarations.join(", ")})` : "";
          return { query: `${keyword} Fuzz${declarations} { ${built.text} }`, variables: built.variables };
        }),
      ),
    );
}

/** A document broken on purpose: cut short, characters changed, or noise. */
function malformed(document: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(document, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))),
    fc.tuple(document, fc.nat(), fc.constantFrom("{", "}", "(", ")", "$", "@", '"', "\\", "...", "#", "\u0000", "\ud800")).map(
      ([text, at, noise]) => text.slice(0, at % Math.max(1, text.length)) + noise + text.slice(at % Math.max(1, text.length)),
    ),
    fc.string({ maxLength: 40 }),
    fc.constantFrom("{".repeat(5_000), "query { " + "a { ".repeat(300) + "}".repeat(301), "{ __schema { types { name } } }", "fragment F on Query { ...F } { ...F }"),
  );
}

const JSON_HEADERS = { "content-type": "application/json" };
const ACCEPTS = ["application/graphql-response+json", "application/json", "*/*", "text/html", "application/xml"];

/** Every kind of request the fuzz suite sends. */
export function fuzzRequests(schema: GraphQLSchema, known: KnownIds): fc.Arbitrary<FuzzRequest> {
  const op = operation(schema, known);
  const token = fc.constantFrom("none", "management", "organization") as fc.Arbitrary<FuzzRequest["token"]>;
  const accept = fc.option(fc.constantFrom(...ACCEPTS), { nil: undefined });
  const withAccept = (headers: Record<string, string>, value: string | undefined) => (value ? { ...headers, accept: value } : headers);

  const post = fc.tuple(op, token, accept).map(([{ query, variables }, tokenKind, acceptValue]): FuzzRequest => ({
    method: "POST",
    headers: withAccept(JSON_HEADERS, acceptValue),
    body: JSON.stringify({ query, variables }),
    token: tokenKind,
  }));
  const broken = fc.tuple(malformed(op.map((o) => o.query)), token).map(([query, tokenKind]): FuzzRequest => ({
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify({ query }),
    token: tokenKind,
  }));
  const badVariables = fc.tuple(op, fc.oneof(jsonValue(3), deepJson, fc.string()), token).map(([{ query }, variables, tokenKind]): FuzzRequest => ({
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify({ query, variables, operationName: typeof variables === "string" ? variables : undefined }),
    token: tokenKind,
  }));
  const batch = fc.tuple(fc.array(op, { minLength: 0, maxLength: 3 }), token).map(([ops, tokenKind]): FuzzRequest => ({
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify(ops),
    token: tokenKind,
  }));
  const rawBody = fc.tuple(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('{"query":', "null", "[]", "1", '"x"', '{"query":1}', '{"query":{}}', deepObject(10_000), `{"query":"query ($v: JSONObject) { __typename }","variables":{"v":${deepObject(50_000)}}}`)), token).map(
    ([body, tokenKind]): FuzzRequest => ({ method: "POST", headers: JSON_HEADERS, body, token: tokenKind }),
  );
  const wrongType = fc
    .tuple(op, fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/graphql", "application/json; charset=latin1", ""), token)
    .map(([{ query }, contentType, tokenKind]): FuzzRequest => ({
      method: "POST",
      headers: contentType ? { "content-type": contentType } : {},
      body: contentType.startsWith("application/x-www") ? new URLSearchParams({ query }).toString() : contentType === "application/graphql" ? query : JSON.stringify({ query }),
      token: tokenKind,
    }));
  const get = fc.tuple(op, fc.boolean(), token, accept).map(([{ query, variables }, preflight, tokenKind, acceptValue]): FuzzRequest => ({
    method: "GET",
    search: new URLSearchParams({ query, variables: JSON.stringify(variables) }).toString(),
    headers: withAccept(preflight ? { "x-graphql-yoga-csrf": "1" } : {}, acceptValue),
    token: tokenKind,
  }));
  return fc.oneof(
    { arbitrary: post, weight: 12 },
    { arbitrary: broken, weight: 2 },
    { arbitrary: badVariables, weight: 2 },
    { arbitrary: batch, weight: 1 },
    { arbitrary: rawBody, weight: 1 },
    { arbitrary: wrongType, weight: 1 },
    { arbitrary: get, weight: 2 },
  );
}

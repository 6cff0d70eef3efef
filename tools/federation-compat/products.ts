// The `products` subgraph of Apollo's compatibility suite (schema and data from its COMPATIBILITY.md),
// built with Gatehouse's own builder, auth plugin and error masking. Start it through run.sh.
import { createServer } from "node:http";
import { useApolloInlineTrace } from "@graphql-yoga/plugin-apollo-inline-trace";
import { DirectiveLocation, GraphQLDirective } from "graphql";
import { createYoga } from "graphql-yoga";
import type { ChangeFeed } from "../../src/changes.js";
import type { Database, PrismaClient } from "../../src/db/index.js";
import type { InvitationTokens } from "../../src/domain/tokens/invitation.js";
import { isPublic } from "../../src/graphql/auth/rules.js";
import { createBuilder } from "../../src/graphql/builder.js";
import type { GraphQLContext } from "../../src/graphql/context.js";
import { maskError } from "../../src/graphql/errors.js";
import type { Loaders } from "../../src/graphql/loaders.js";

// ---- Data ----------------------------------------------------------------------------------------

interface User {
  email: string;
  name?: string | null;
  totalProductsCreated?: number | null;
  yearsOfEmployment?: number;
}
interface Dimension {
  size: string;
  weight: number;
  unit: string;
}
interface CaseStudy {
  caseNumber: string;
  description: string;
}
interface Research {
  study: CaseStudy;
  outcome: string | null;
}
interface Product {
  id: string;
  sku: string;
  package: string;
  variation: { id: string };
  dimensions: Dimension;
  research: Research[];
  notes: string | null;
}
interface DeprecatedProduct {
  sku: string;
  package: string;
  reason: string;
}

const user = {
  email: "support@apollographql.com",
  name: "Jane Smith",
  totalProductsCreated: 1337,
  yearsOfEmployment: 10,
} satisfies User;
const dimension: Dimension = { size: "small", weight: 1, unit: "kg" };
const research: Research[] = [
  { study: { caseNumber: "1234", description: "Federation Study" }, outcome: null },
  { study: { caseNumber: "1235", description: "Studio Study" }, outcome: null },
];
const products: Product[] = [
  {
    id: "apollo-federation",
    sku: "federation",
    package: "@apollo/federation",
    variation: { id: "OSS" },
    dimensions: dimension,
    research: research.slice(0, 1),
    notes: null,
  },
  {
    id: "apollo-studio",
    sku: "studio",
    package: "",
    variation: { id: "platform" },
    dimensions: dimension,
    research: research.slice(1, 2),
    notes: null,
  },
];
const deprecatedProduct: DeprecatedProduct = {
  sku: "apollo-federation-v1",
  package: "@apollo/federation-v1",
  reason: "Migrate to Federation V2",
};
const inventory = { id: "apollo-oss", deprecatedProducts: [deprecatedProduct] };

type ProductKey = { id: string } | { sku: string; package: string } | { sku: string; variation: { id: string } };

function findProduct(key: ProductKey): Product | null {
  const found = products.find((p) => {
    if ("id" in key) return p.id === key.id;
    if ("package" in key) return p.sku === key.sku && p.package === key.package;
    return p.sku === key.sku && p.variation.id === key.variation.id;
  });
  return found ?? null;
}

// ---- Schema --------------------------------------------------------------------------------------

const builder = createBuilder();

const custom = new GraphQLDirective({ name: "custom", locations: [DirectiveLocation.OBJECT] });

// User lives in the `users` subgraph; this one adds fields to it. A representation's fields (the
// @requires inputs the router fetched elsewhere) win over the local record.
const UserRef = builder.externalRef(
  "User",
  builder.selection<{ email: string }>("email"),
  (ref): User | null => (ref.email === user.email ? { ...user, ...ref } : null),
);
UserRef.implement({
  auth: isPublic,
  externalFields: (t) => ({
    email: t.id(),
    totalProductsCreated: t.int({ nullable: true }),
    yearsOfEmployment: t.int(),
  }),
  fields: (t) => ({
    name: t.string({ nullable: true, override: { from: "users" }, resolve: (u) => u.name ?? null }),
    averageProductsCreatedPerYear: t.int({
      nullable: true,
      requires: builder.selection<{ totalProductsCreated?: number | null; yearsOfEmployment: number }>(
        "totalProductsCreated yearsOfEmployment",
      ),
      resolve: (u) => (u.totalProductsCreated ? Math.round(u.totalProductsCreated / u.yearsOfEmployment) : null),
    }),
  }),
});

const ProductDimensionRef = builder.objectRef<Dimension>("ProductDimension").implement({
  auth: isPublic,
  shareable: true,
  fields: (t) => ({
    size: t.exposeString("size", { nullable: true }),
    weight: t.exposeFloat("weight", { nullable: true }),
    unit: t.exposeString("unit", { nullable: true, inaccessible: true }),
  }),
});

const ProductVariationRef = builder.objectRef<{ id: string }>("ProductVariation").implement({
  auth: isPublic,
  fields: (t) => ({ id: t.exposeID("id") }),
});

const CaseStudyRef = builder.objectRef<CaseStudy>("CaseStudy").implement({
  auth: isPublic,
  fields: (t) => ({
    caseNumber: t.exposeID("caseNumber"),
    description: t.exposeString("description", { nullable: true }),
  }),
});

const ProductResearchRef = builder.objectRef<Research>("ProductResearch").implement({
  auth: isPublic,
  fields: (t) => ({
    study: t.field({ type: CaseStudyRef, resolve: (r) => r.study }),
    outcome: t.exposeString("outcome", { nullable: true }),
  }),
});
builder.asEntity(ProductResearchRef, {
  key: builder.selection<{ study: { caseNumber: string } }>("study { caseNumber }"),
  resolveReference: (ref) => research.find((r) => r.study.caseNumber === ref.study.caseNumber) ?? null,
});

const ProductRef = builder.objectRef<Product>("Product").implement({
  auth: isPublic,
  directives: { custom: {} },
  fields: (t) => ({
    id: t.exposeID("id"),
    sku: t.exposeString("sku", { nullable: true }),
    package: t.exposeString("package", { nullable: true }),
    variation: t.field({ type: ProductVariationRef, nullable: true, resolve: (p) => p.variation }),
    dimensions: t.field({ type: ProductDimensionRef, nullable: true, resolve: (p) => p.dimensions }),
    createdBy: t.field({
      type: UserRef.provides<{ totalProductsCreated: number }>("totalProductsCreated"),
      nullable: true,
      resolve: () => user,
    }),
    notes: t.exposeString("notes", { nullable: true, tag: "internal" }),
    research: t.field({ type: [ProductResearchRef], resolve: (p) => p.research }),
  }),
});
builder.asEntity(ProductRef, {
  key: [
    builder.selection<{ id: string }>("id"),
    builder.selection<{ sku: string; package: string }>("sku package"),
    builder.selection<{ sku: string; variation: { id: string } }>("sku variation { id }"),
  ],
  resolveReference: (ref) => findProduct(ref),
});

const DeprecatedProductRef = builder.objectRef<DeprecatedProduct>("DeprecatedProduct").implement({
  auth: isPublic,
  fields: (t) => ({
    sku: t.exposeString("sku"),
    package: t.exposeString("package"),
    reason: t.exposeString("reason", { nullable: true }),
    createdBy: t.field({ type: UserRef, nullable: true, resolve: () => user }),
  }),
});
builder.asEntity(DeprecatedProductRef, {
  key: builder.selection<{ sku: string; package: string }>("sku package"),
  resolveReference: (ref) =>
    ref.sku === deprecatedProduct.sku && ref.package === deprecatedProduct.package ? deprecatedProduct : null,
});

// An interface (with implementations) in the `inventory` subgraph, an object type here.
const InventoryRef = builder.objectRef<typeof inventory>("Inventory").implement({
  auth: isPublic,
  fields: (t) => ({
    id: t.exposeID("id"),
    deprecatedProducts: t.field({ type: [DeprecatedProductRef], resolve: (i) => i.deprecatedProducts }),
  }),
});
builder.asEntity(InventoryRef, {
  interfaceObject: true,
  key: builder.selection<{ id: string }>("id"),
  resolveReference: (ref) => (ref.id === inventory.id ? inventory : null),
});

builder.queryType({
  fields: (t) => ({
    product: t.field({
      type: ProductRef,
      nullable: true,
      auth: isPublic,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args) => findProduct({ id: String(args.id) }),
    }),
    deprecatedProduct: t.field({
      type: DeprecatedProductRef,
      nullable: true,
      auth: isPublic,
      deprecationReason: "Use product query instead",
      args: { sku: t.arg.string({ required: true }), package: t.arg.string({ required: true }) },
      resolve: (_root, args) =>
        args.sku === deprecatedProduct.sku && args.package === deprecatedProduct.package ? deprecatedProduct : null,
    }),
  }),
});

export const schema = builder.toSubGraphSchema({
  // The compatibility suite accepts federation v2.0 to v2.3 only (Gatehouse itself links v2.6).
  linkUrl: "https://specs.apollo.dev/federation/v2.3",
  federationDirectives: [
    "@extends",
    "@external",
    "@inaccessible",
    "@interfaceObject",
    "@key",
    "@override",
    "@provides",
    "@requires",
    "@shareable",
    "@tag",
  ],
  composeDirectives: ["@custom"], // also adds @composeDirective to the federation imports
  schemaDirectives: { link: { url: "https://myspecs.dev/myCustomDirective/v1.0", import: ["@custom"] } },
  directives: [custom],
});

// ---- Server --------------------------------------------------------------------------------------

/** A stand-in for a resource this subgraph never uses: any property read throws, naming it. */
function unavailable<T extends object>(what: string): T {
  // `{} as T` is safe only because the proxy intercepts every read before the empty object is seen.
  return new Proxy({} as T, {
    get: (_target, key) => {
      throw new Error(`The products subgraph has no ${what} (read ${String(key)}).`);
    },
  });
}

const db = unavailable<Database>("database");
const prisma = unavailable<PrismaClient>("Prisma client");
const loaders = unavailable<Loaders>("loaders");
const invitationTokens = unavailable<InvitationTokens>("invitation tokens");
const changes = unavailable<ChangeFeed>("change feed");
const webhooks = unavailable<GraphQLContext["webhooks"]>("webhooks");
const template = unavailable<GraphQLContext["template"]>("template");

const yoga = createYoga<Record<string, never>, GraphQLContext>({
  schema,
  graphqlEndpoint: "/graphql",
  graphiql: false,
  landingPage: false,
  maskedErrors: { maskError },
  plugins: [useApolloInlineTrace()],
  // Every request is anonymous: the schema is public (`isPublic`), so no token is ever read.
  context: (): GraphQLContext => ({ db, prisma, principal: null, tokenExpiresAt: undefined, changes, loaders, template, invitationTokens, webhooks }),
});

const port = Number(process.env.PRODUCTS_PORT ?? 4001);
const server = createServer(yoga);
server.listen(port, () => console.log(`products subgraph on http://localhost:${port}/graphql`));
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}

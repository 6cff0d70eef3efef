// GraphQL calls as a particular caller, and checks of the errors that come back.
import { expect } from "vitest";
import { managementToken } from "./oauth.js";
import type { GraphQLResponse, TestServer } from "./server.js";

export type Caller = <Data = Record<string, any>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Data>>;

/** A caller with `token` (none: anonymous). */
export function caller(server: TestServer, token?: string): Caller {
  return (query, variables) => server.graphql(query, { ...(variables ? { variables } : {}), ...(token ? { token } : {}) });
}

/** A management caller (scope `all` unless given). */
export async function admin(server: TestServer, scope = "all"): Promise<Caller> {
  return caller(server, await managementToken(server, scope));
}

/** The data of a response that must have succeeded. */
export function ok<Data>(response: GraphQLResponse<Data>): Data {
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data as Data;
}

/** The single error of a refused operation; checks its code (and field, when given). */
export function refused(response: GraphQLResponse<unknown>, code: string, field?: string) {
  expect(response.errors, JSON.stringify(response.data)).toHaveLength(1);
  const [error] = response.errors!;
  expect(error!.extensions?.code, error!.message).toBe(code);
  if (field !== undefined) expect(error!.extensions?.field).toBe(field);
  return error!;
}

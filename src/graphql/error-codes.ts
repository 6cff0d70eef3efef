// Every refusal carries a stable `extensions.code`, including those graphql-js raises before any
// resolver runs: a syntax error, an invalid operation, variables of the wrong shape.
import { type ExecutionResult, GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { isDatabaseUnavailable } from "../db/errors.js";
import { serviceUnavailableHttp } from "./errors.js";

function withCode(error: unknown, code: string, message = (error as Error).message): unknown {
  if (!(error instanceof GraphQLError) || (error.extensions?.code && message === error.message)) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * graphql-js names the token a syntax error stopped at, quoting a string literal whole
 * (`Expected Name, found String "…".`): a document's strings can be long and hold secrets, so only
 * the token's kind is kept (its line and column stay in `locations`).
 */
function withoutQuotedString(message: string): string {
  return message.replace(/\b(String|BlockString) "[\s\S]*"(?=\.?$)/, "$1");
}

export function useErrorCodes(): Plugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof Error) replaceParseResult(withCode(result, "GRAPHQL_PARSE_FAILED", withoutQuotedString(result.message)));
      };
    },
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((error) => withCode(error, "GRAPHQL_VALIDATION_FAILED")));
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) return;
          if (failedForUnavailableDatabase(result)) {
            setResult({ ...result, extensions: { ...result.extensions, http: serviceUnavailableHttp } });
            return;
          }
          // Errors without a path come before execution: variables that do not fit their types.
          if (!result.errors?.some((error) => !error.path && !error.extensions?.code)) return;
          setResult({ ...result, errors: result.errors.map((error) => (error.path ? error : withCode(error, "BAD_USER_INPUT"))) as GraphQLError[] });
        },
      };
    },
  };
}

/**
 * The operation failed as a whole because the database is unavailable: no field has a value, and
 * an error says why. Then HTTP 503 with Retry-After (graphql-over-http lets a server answer an
 * operation that did not execute with a 5xx, whatever the Accept header); a partial result stays 200.
 */
function failedForUnavailableDatabase(result: ExecutionResult): boolean {
  const unavailable = result.errors?.some((error) => isDatabaseUnavailable(error.originalError));
  if (!unavailable) return false;
  return result.data == null || Object.values(result.data).every((value) => value === null);
}

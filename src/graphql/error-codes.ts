// Every refusal carries a stable `extensions.code`, including those graphql-js raises before any
// resolver runs: a syntax error, an invalid operation, variables of the wrong shape.
import { GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";

function withCode(error: unknown, code: string): unknown {
  if (!(error instanceof GraphQLError) || error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

export function useErrorCodes(): Plugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof Error) replaceParseResult(withCode(result, "GRAPHQL_PARSE_FAILED"));
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
          // Errors without a path come before execution: variables that do not fit their types.
          if (isAsyncIterable(result) || !result.errors?.some((error) => !error.path && !error.extensions?.code)) return;
          setResult({ ...result, errors: result.errors.map((error) => (error.path ? error : withCode(error, "BAD_USER_INPUT"))) as GraphQLError[] });
        },
      };
    },
  };
}

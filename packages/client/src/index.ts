export {
  ACCESS_TOKEN_TYPE,
  GatehouseTokenError,
  GatehouseTokens,
  type GatehouseTokensOptions,
  type IssuedToken,
  TOKEN_EXCHANGE,
  type TokenRequest,
} from "./tokens.js";
export { type FetchWithTokenOptions, fetchWithToken } from "./fetch.js";

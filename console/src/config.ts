// What the server tells the page (meta tags written by src/http/console.ts).
/** The identity provider the console signs in at (production sign-in). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  scope: string;
  /** Sent as `resource` to the identity provider: the audience Gatehouse trusts for its tokens. */
  resource?: string;
}

export interface ConsoleConfig {
  basePath: string;
  graphqlPath: string;
  tokenPath: string;
  managementResource: string;
  mode: "development" | "production";
  oidc: OidcConfig | null;
}

function meta(name: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || undefined;
}

export const config: ConsoleConfig = JSON.parse(meta("gatehouse-console") ?? "null") ?? {
  // Only `vite` (no Gatehouse in front) lacks the meta tag.
  basePath: "",
  graphqlPath: "/graphql",
  tokenPath: "/oauth/token",
  managementResource: "urn:gatehouse:management",
  mode: "development",
  oidc: null,
};

/** The development token path's secret; present only in development, on loopback. */
export const devSecret = meta("gatehouse-dev-secret");

/** Nonce of this page's Content-Security-Policy, for the <style> elements Mantine writes. */
export const styleNonce = meta("csp-nonce");

// GraphiQL's Tokens panel, served only to development pages requested over loopback (see
// src/graphql/graphiql.ts). It mints tokens at the development token path (POST /dev/tokens, with
// the per-process secret the page carries in <meta name="gatehouse-dev-secret">): a management
// token with chosen scopes, or the organization token a chosen user would get in a chosen
// organization. The token then goes with every request GraphiQL sends to the GraphQL endpoint (in
// place of the Headers tab's Authorization), and is renewed before it expires. When the server
// refuses a token (401), a notice says so and offers a new one.
//
// Plain browser JavaScript on GraphiQL's own React (the bundle sets `globalThis.React`), run
// before the page renders GraphiQL, which takes the plugin from `self.gatehouseGraphiQLPlugins`.
(function () {
  "use strict";
  const configElement = document.getElementById("gatehouse-token-panel");
  const secret = document.querySelector('meta[name="gatehouse-dev-secret"]')?.getAttribute("content");
  if (!configElement || !secret) return;
  const config = JSON.parse(configElement.textContent);
  const h = React.createElement;
  const originalFetch = globalThis.fetch.bind(globalThis);
  const TITLE = "Tokens";

  // ---- The current token, shared by the panel, the fetch wrapper and the notice ----
  const state = { token: null, label: "", request: null, expiresAt: 0, renewTimer: undefined, error: "", notice: null };
  const listeners = new Set();
  const changed = () => listeners.forEach((listener) => listener());

  async function requestToken(request) {
    const response = await originalFetch(config.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", [config.secretHeader]: secret },
      body: JSON.stringify(request),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const reason = body.error_description || body.error || `HTTP ${response.status}`;
      const restarted = response.status === 403 ? " (the server may have restarted: reload this page)" : "";
      throw new Error(`${reason}${restarted}`);
    }
    return body;
  }

  /** Mints the token `request` describes and uses it from now on; renews it before it expires. */
  async function useToken(request, label) {
    const body = await requestToken(request);
    clearTimeout(state.renewTimer);
    Object.assign(state, { token: body.access_token, label, request, error: "", notice: null });
    state.expiresAt = Date.now() + body.expires_in * 1000;
    // Renewed at 80% of its life (at most a minute before it ends): a request never carries an expired token.
    const renewIn = Math.max(1000, Math.min(body.expires_in * 800, body.expires_in * 1000 - 60_000));
    state.renewTimer = setTimeout(renew, renewIn);
    changed();
    refetchSchemaIfItFailed();
  }

  function renew() {
    useToken(state.request, state.label).catch((error) => {
      state.error = `Could not renew the token: ${error.message}`;
      changed();
      // What is left of the old token's life, then the notice.
      setTimeout(() => {
        if (Date.now() >= state.expiresAt) showNotice(`The token expired and could not be renewed: ${error.message}.`);
      }, Math.max(0, state.expiresAt - Date.now()));
    });
  }

  function forgetToken() {
    clearTimeout(state.renewTimer);
    Object.assign(state, { token: null, label: "", request: null, expiresAt: 0, error: "" });
    changed();
  }

  // ---- Every GraphQL request carries the panel's token; a 401 shows the notice ----
  let schemaFetchFailed = false;
  globalThis.fetch = async function (input, init) {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin || url.pathname !== config.graphqlPath) return originalFetch(input, init);
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    if (state.token) headers.set("authorization", `Bearer ${state.token}`);
    const response = await originalFetch(input, { ...init, headers });
    const introspection = typeof init?.body === "string" && init.body.includes("__schema");
    if (introspection) schemaFetchFailed = !response.ok;
    if (response.status === 401) {
      const body = await response.clone().json().catch(() => ({}));
      const error = body.errors?.[0];
      const code = error?.extensions?.code ? `${error.extensions.code}: ` : "";
      const whose = state.token ? "the Tokens panel's token" : "the token in the Headers tab";
      showNotice(`The server refused ${whose} (HTTP 401, ${code}${error?.message ?? "no reason given"}).`);
    }
    return response;
  };

  /** GraphiQL's own "Re-fetch GraphQL schema" button, when the last try failed (a stale token). */
  function refetchSchemaIfItFailed() {
    if (!schemaFetchFailed) return;
    document.querySelector('[aria-label="Re-fetch GraphQL schema"]')?.click();
  }

  // ---- The notice: a bar over GraphiQL, with what happened and a way out ----
  function showNotice(message) {
    state.notice = message;
    changed();
    renderNotice();
  }

  let noticeElement;
  function renderNotice() {
    noticeElement?.remove();
    noticeElement = undefined;
    if (!state.notice) return;
    const bar = document.createElement("div");
    bar.setAttribute("role", "alert");
    bar.className = "gatehouse-token-notice";
    Object.assign(bar.style, {
      position: "fixed", top: "0", left: "50%", transform: "translateX(-50%)", zIndex: "1000", display: "flex",
      gap: "0.75em", alignItems: "center", padding: "0.6em 1em", borderRadius: "0 0 8px 8px",
      background: "#fff4e5", color: "#5f3700", border: "1px solid #f0b35a", font: "14px system-ui, sans-serif",
    });
    const text = document.createElement("span");
    text.textContent = state.notice;
    const renewButton = button(state.request ? `Get a new ${state.label}` : "Get a management token", async () => {
      try {
        await useToken(state.request ?? { kind: "management" }, state.request ? state.label : "management token (all)");
        renderNotice();
      } catch (error) {
        text.textContent = `${state.notice} Minting failed: ${error.message}`;
      }
    });
    const openButton = button("Open the Tokens panel", () => {
      document.querySelector(`[aria-label="Show ${TITLE}"]`)?.click();
    });
    const dismiss = button("Dismiss", () => {
      state.notice = null;
      renderNotice();
    });
    bar.append(text, renewButton, openButton, dismiss);
    document.body.append(bar);
    noticeElement = bar;
  }

  function button(label, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  // ---- The panel ----
  function useSharedState() {
    const [, setTick] = React.useState(0);
    React.useEffect(() => {
      const listener = () => setTick((tick) => tick + 1);
      listeners.add(listener);
      // The "expires in" line stays current.
      const interval = setInterval(listener, 15_000);
      return () => {
        listeners.delete(listener);
        clearInterval(interval);
      };
    }, []);
    return state;
  }

  /** Users and their organizations, read through GraphQL with a short management token minted for it. */
  let pickerToken = { token: "", expiresAt: 0 };
  async function loadUsers(search) {
    if (pickerToken.expiresAt < Date.now() + 10_000) {
      const body = await requestToken({ kind: "management", scopes: ["users:read", "organizations:read"], ttl: 300 });
      pickerToken = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    }
    const { token } = pickerToken;
    const query = `query GatehouseTokenPanelUsers($search: String) {
      users(first: 25, search: $search) { edges { node { id name primaryEmail
        organizations(first: 20) { edges { node { organization { id name } roles { name } } } } } } }
    }`;
    const response = await originalFetch(config.graphqlPath, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { search: search || null } }),
    });
    const body = await response.json();
    if (body.errors?.length) throw new Error(body.errors[0].message);
    return body.data.users.edges.map((edge) => ({
      id: edge.node.id,
      label: edge.node.primaryEmail || edge.node.name || edge.node.id,
      organizations: (edge.node.organizations?.edges ?? []).map((membership) => ({
        id: membership.node.organization.id,
        name: membership.node.organization.name,
        roles: membership.node.roles.map((role) => role.name),
      })),
    }));
  }

  function field(label, control) {
    return h("label", { style: { display: "flex", flexDirection: "column", gap: "0.25em", marginBottom: "0.75em" } }, label, control);
  }

  function TokensPanel() {
    const shared = useSharedState();
    const [kind, setKind] = React.useState("management");
    const [scopes, setScopes] = React.useState(["all"]);
    const [search, setSearch] = React.useState("");
    const [users, setUsers] = React.useState(null);
    const [userId, setUserId] = React.useState("");
    const [organizationId, setOrganizationId] = React.useState("");
    const [busy, setBusy] = React.useState(false);
    const [error, setError] = React.useState("");

    React.useEffect(() => {
      if (kind !== "organization") return;
      let current = true;
      loadUsers(search).then(
        (list) => current && (setUsers(list), setError("")),
        (failure) => current && setError(`Could not list users: ${failure.message}`),
      );
      return () => {
        current = false;
      };
    }, [kind, search]);

    const user = users?.find((candidate) => candidate.id === userId);
    const organization = user?.organizations.find((candidate) => candidate.id === organizationId);

    async function mint() {
      setBusy(true);
      setError("");
      try {
        if (kind === "management") {
          await useToken({ kind: "management", scopes }, `management token (${scopes.join(", ")})`);
        } else {
          await useToken(
            { kind: "organization", userId, organizationId },
            `organization token for ${user.label} in ${organization.name}`,
          );
        }
      } catch (failure) {
        setError(failure.message);
      } finally {
        setBusy(false);
      }
    }

    const toggleScope = (scope) =>
      setScopes((current) => (current.includes(scope) ? current.filter((name) => name !== scope) : [...current, scope]));
    const ready = kind === "management" ? scopes.length > 0 : Boolean(user && organization);
    const minutes = Math.max(0, Math.round((shared.expiresAt - Date.now()) / 60_000));

    return h(
      "div",
      { className: "gatehouse-tokens", style: { display: "flex", flexDirection: "column" } },
      h("div", { className: "graphiql-doc-explorer-title" }, TITLE),
      h(
        "p",
        null,
        "Development tokens, minted by this server. The token goes with every request from this page, " +
          "in place of the Headers tab's Authorization, and is renewed before it expires.",
      ),
      field(
        "Token",
        h(
          "select",
          { value: kind, onChange: (event) => setKind(event.target.value), "aria-label": "Token kind" },
          h("option", { value: "management" }, "Management token"),
          h("option", { value: "organization" }, "Organization token as a user"),
        ),
      ),
      kind === "management"
        ? h(
            "fieldset",
            { style: { border: "none", padding: 0, margin: "0 0 0.75em" } },
            h("legend", null, "Scopes"),
            config.managementScopes.map((scope) =>
              h(
                "label",
                { key: scope, style: { display: "block" } },
                h("input", { type: "checkbox", checked: scopes.includes(scope), onChange: () => toggleScope(scope) }),
                ` ${scope}`,
              ),
            ),
          )
        : h(
            React.Fragment,
            null,
            field(
              "Find a user",
              h("input", { type: "search", value: search, placeholder: "name or email", onChange: (event) => setSearch(event.target.value) }),
            ),
            field(
              "User",
              h(
                "select",
                {
                  value: userId,
                  "aria-label": "User",
                  onChange: (event) => {
                    setUserId(event.target.value);
                    setOrganizationId("");
                  },
                },
                h("option", { value: "" }, users ? "Choose a user" : error ? "Users unavailable" : "Loading…"),
                (users ?? []).map((candidate) => h("option", { key: candidate.id, value: candidate.id }, candidate.label)),
              ),
            ),
            field(
              "Organization",
              h(
                "select",
                { value: organizationId, "aria-label": "Organization", onChange: (event) => setOrganizationId(event.target.value) },
                h("option", { value: "" }, user ? (user.organizations.length ? "Choose an organization" : "No organizations") : "Choose a user first"),
                (user?.organizations ?? []).map((candidate) =>
                  h("option", { key: candidate.id, value: candidate.id }, `${candidate.name} (${candidate.roles.join(", ") || "no roles"})`),
                ),
              ),
            ),
          ),
      h("button", { type: "button", className: "graphiql-button", disabled: !ready || busy, onClick: mint }, busy ? "Minting…" : "Mint token"),
      error ? h("p", { role: "alert", style: { color: "#c0392b" } }, error) : null,
      shared.error ? h("p", { role: "alert", style: { color: "#c0392b" } }, shared.error) : null,
      shared.token
        ? h(
            "div",
            { className: "gatehouse-token-status", style: { marginTop: "1em" } },
            h("p", null, `In use: ${shared.label}. Renewed before it expires (in about ${minutes} min).`),
            h("button", { type: "button", className: "graphiql-button", onClick: forgetToken }, "Stop using it"),
          )
        : h("p", { style: { marginTop: "1em" } }, "No token from this panel: requests carry the Headers tab's."),
    );
  }

  function TokenIcon() {
    return h(
      "svg",
      { viewBox: "0 0 24 24", width: "1em", height: "1em", fill: "none", stroke: "currentColor", strokeWidth: 1.5, "aria-hidden": true },
      h("circle", { cx: 8, cy: 15, r: 4 }),
      h("path", { d: "M10.8 12.2 20 3m-3 3 2 2m-4 0 2 2" }),
    );
  }

  self.gatehouseGraphiQLPlugins = [{ title: TITLE, icon: TokenIcon, content: TokensPanel }];
})();

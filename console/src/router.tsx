// Routes (TanStack Router, code-based) under the console's base path.
import { createRootRoute, createRoute, createRouter, redirect } from "@tanstack/react-router";
import { Layout } from "./components/layout.tsx";
import { config } from "./config.ts";
import { ApiResourcePage } from "./pages/api-resource.tsx";
import { ApiResourcesPage } from "./pages/api-resources.tsx";
import { ApplicationPage } from "./pages/application.tsx";
import { ApplicationsPage } from "./pages/applications.tsx";
import { AuditLogPage } from "./pages/audit-log.tsx";
import { OrganizationPage } from "./pages/organization.tsx";
import { OrganizationsPage } from "./pages/organizations.tsx";
import { GlobalRolesPage } from "./pages/roles.tsx";
import { TemplatePage } from "./pages/template.tsx";
import { UserPage } from "./pages/user.tsx";
import { UsersPage } from "./pages/users.tsx";

const rootRoute = createRootRoute({ component: Layout });

const routeTree = rootRoute.addChildren([
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/",
    beforeLoad: () => {
      throw redirect({ to: "/organizations" });
    },
  }),
  createRoute({ getParentRoute: () => rootRoute, path: "/organizations", component: OrganizationsPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/organizations/$organizationId", component: OrganizationPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/organization-template", component: TemplatePage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/users", component: UsersPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/users/$userId", component: UserPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/applications", component: ApplicationsPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/applications/$applicationId", component: ApplicationPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/api-resources", component: ApiResourcesPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/api-resources/$resourceId", component: ApiResourcePage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/roles", component: GlobalRolesPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/audit-log", component: AuditLogPage }),
]);

export const router = createRouter({ routeTree, basepath: config.basePath || "/" });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}

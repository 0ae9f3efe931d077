import { Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { ConfirmHost } from "./components/confirm.tsx";
import { ToastHost } from "./components/toast.tsx";
import { Shell } from "./shell.tsx";
import { LoginPage } from "./pages/login.tsx";
import { NotFoundPage } from "./pages/not-found.tsx";

// One chunk per page: the dashboard's chart library loads only with the dashboard.
const DashboardPage = lazy(() => import("./pages/dashboard.tsx"));
const ProvidersPage = lazy(() => import("./pages/providers.tsx"));
const ModelsPage = lazy(() => import("./pages/models.tsx"));
const LogsPage = lazy(() => import("./pages/logs.tsx"));
const KeysPage = lazy(() => import("./pages/keys.tsx"));
const SettingsPage = lazy(() => import("./pages/settings.tsx"));
const QuickStartPage = lazy(() => import("./pages/quick-start.tsx"));

/** Routes: the login page stands alone; everything else sits in the shell (navigation, auth gate). */
export function App() {
  return (
    <>
      <Router>
        <Route path="/login" component={LoginPage} />
        <Route path="/" component={Shell}>
          <Route path="/" component={DashboardPage} />
          <Route path="/providers" component={ProvidersPage} />
          <Route path="/models/:id?" component={ModelsPage} />
          <Route path="/logs" component={LogsPage} />
          <Route path="/keys" component={KeysPage} />
          <Route path="/settings" component={SettingsPage} />
          <Route path="/quick-start" component={QuickStartPage} />
          <Route path="*" component={NotFoundPage} />
        </Route>
      </Router>
      <ToastHost />
      <ConfirmHost />
    </>
  );
}

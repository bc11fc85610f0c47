import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient, ApiError, type Session } from './api.ts';
import { ErrorMessage } from './error-message.tsx';
import { AgentPage, NewAgentPage } from './pages/agent.tsx';
import { AgentsPage } from './pages/agents.tsx';
import { ApiKeysPage } from './pages/api-keys.tsx';
import { CredentialsPage } from './pages/credentials.tsx';
import { LiveCallsPage } from './pages/live-calls.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { RunPage } from './pages/run.tsx';
import { RunsPage } from './pages/runs.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { TelephonyPage } from './pages/telephony.tsx';
import { UsersPage } from './pages/users.tsx';
import { useRoute, type Route } from './route.ts';
import { Shell } from './shell.tsx';

type Auth = { kind: 'checking' } | { kind: 'signed-out' } | { kind: 'signed-in'; session: Session } | { kind: 'failed'; error: unknown };

function Page({ route, api, session }: { route: Route; api: ApiClient; session: Session }) {
  const { id } = route;
  switch (route.page) {
    case 'overview':
      return <OverviewPage api={api} />;
    case 'live-calls':
      return <LiveCallsPage api={api} />;
    case 'agents':
      if (id === 'new') return <NewAgentPage api={api} role={session.role} />;
      return id ? <AgentPage key={id} api={api} role={session.role} uuid={id} /> : <AgentsPage api={api} role={session.role} />;
    case 'runs':
      return id ? <RunPage key={id} api={api} runId={id} /> : <RunsPage api={api} query={route.query} />;
    case 'telephony':
      return <TelephonyPage api={api} />;
    case 'credentials':
      return <CredentialsPage api={api} />;
    case 'users':
      return <UsersPage api={api} session={session} />;
    case 'api-keys':
      return <ApiKeysPage api={api} />;
  }
}

/** The console: who is signed in (`GET /me`), then the sign-in page or the shell with the current page. */
export function App() {
  const api = useMemo(() => new ApiClient(), []);
  const [auth, setAuth] = useState<Auth>({ kind: 'checking' });
  const route = useRoute();

  useEffect(() => {
    api.me().then(
      (session) => setAuth({ kind: 'signed-in', session }),
      (err: unknown) => setAuth(err instanceof ApiError && err.status === 401 ? { kind: 'signed-out' } : { kind: 'failed', error: err }),
    );
  }, [api]);

  const signOut = () => {
    // Signed out here whatever the server answers: the cookie is HttpOnly, and a dead session is gone anyway.
    api.signOut().then(
      () => setAuth({ kind: 'signed-out' }),
      () => setAuth({ kind: 'signed-out' }),
    );
  };

  switch (auth.kind) {
    case 'checking':
      return <p class="muted center">Loading…</p>;
    case 'failed':
      return (
        <main class="sign-in">
          <ErrorMessage error={auth.error} />
        </main>
      );
    case 'signed-out':
      return <SignInPage api={api} onSignedIn={(session) => setAuth({ kind: 'signed-in', session })} />;
    case 'signed-in':
      return (
        <Shell session={auth.session} page={route.page} onSignOut={signOut}>
          <Page route={route} api={api} session={auth.session} />
        </Shell>
      );
  }
}

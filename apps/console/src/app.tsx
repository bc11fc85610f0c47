import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient, ApiError, type Session } from './api.ts';
import { ErrorMessage } from './error-message.tsx';
import { AgentsPage } from './pages/agents.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { useCurrentPage, type PageName } from './route.ts';
import { Shell } from './shell.tsx';

type Auth = { kind: 'checking' } | { kind: 'signed-out' } | { kind: 'signed-in'; session: Session } | { kind: 'failed'; error: unknown };

function Page({ page, api }: { page: PageName; api: ApiClient }) {
  switch (page) {
    case 'agents':
      return <AgentsPage api={api} />;
  }
}

/** The console: who is signed in (`GET /me`), then the sign-in page or the shell with the current page. */
export function App() {
  const api = useMemo(() => new ApiClient(), []);
  const [auth, setAuth] = useState<Auth>({ kind: 'checking' });
  const page = useCurrentPage();

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
        <Shell session={auth.session} page={page} onSignOut={signOut}>
          <Page page={page} api={api} />
        </Shell>
      );
  }
}

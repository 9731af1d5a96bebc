/** The console's shell: sign-in, idle sign-out, the skip link, landmarks and the hash router. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiClient } from './api/client';
import { type Auth, LOCAL_ROLES, type LocalRole, type Session } from './auth';
import type { ConsoleConfig } from './config';
import { idleWatch } from './lib/idle';
import { href, PAGE_TITLES, parseRoute, type Route } from './lib/routes';
import { AppealPage } from './pages/appeal';
import { ClaimPage } from './pages/claim';
import { Claims } from './pages/claims';
import { CorrectPage } from './pages/correct';
import { Dashboard } from './pages/dashboard';
import { Reports } from './pages/reports';
import { Statements } from './pages/statements';
import { WorkQueue } from './pages/work';
import { Ctx, Notice, PageTitle } from './ui';

const NAV: [Route['page'], string][] = [
  ['dashboard', 'Dashboard'],
  ['claims', 'Claims'],
  ['work', 'Work queue'],
  ['statements', 'Statements'],
  ['reports', 'Reports'],
];

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function App({ config, auth, initial }: { config: ConsoleConfig; auth: Auth; initial?: Session }) {
  const [session, setSession] = useState<Session | undefined>(initial);
  const [signedOutWhy, setSignedOutWhy] = useState<string>();
  const route = useRoute();

  const signOut = async (why?: string) => {
    setSession(undefined);
    setSignedOutWhy(why);
    await auth.signOut();
  };

  // Idle sign-out: keyboard, pointer, wheel and touch input keep the session alive.
  useEffect(() => {
    if (!session) return;
    const idleMs = config.idleMinutes * 60_000;
    const watch = idleWatch(idleMs, Date.now(), () => {
      void signOut(`You were signed out after ${config.idleMinutes} minute(s) without activity.`);
    });
    const touch = () => watch.touch(Date.now());
    const events = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, touch, { passive: true });
    const timer = window.setInterval(() => watch.check(Date.now()), Math.min(1000, idleMs / 4));
    return () => {
      for (const e of events) window.removeEventListener(e, touch);
      window.clearInterval(timer);
    };
  }, [session]);

  useEffect(() => {
    document.title = `${PAGE_TITLES[route.page]} · claimflow`;
  }, [route]);

  const api = useMemo(
    () =>
      apiClient(
        config.apiBaseUrl,
        () => auth.current()?.token,
        () => void signOut('Your session ended; sign in again.'),
      ),
    [config],
  );

  const skip = () => {
    document.getElementById('main')?.focus();
  };

  return (
    <>
      <button type="button" class="skip" onClick={skip}>
        Skip to main content
      </button>
      <header class="banner">
        <p class="brand">claimflow</p>
        {session && (
          <div class="who">
            <span>
              Signed in as {session.sub} ({session.groups.join(', ')})
            </span>
            <button type="button" onClick={() => signOut('You signed out.')}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {session && (
        <nav aria-label="Main" class="main-nav">
          <ul>
            {NAV.map(([page, label]) => (
              <li key={page}>
                <a
                  href={href({ page } as Route)}
                  aria-current={
                    route.page === page || (page === 'claims' && 'claimId' in route) ? 'page' : undefined
                  }
                >
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {session ? (
          <Ctx.Provider value={{ api, session }}>
            <Page route={route} />
          </Ctx.Provider>
        ) : (
          <SignIn config={config} auth={auth} why={signedOutWhy} onSignedIn={setSession} />
        )}
      </main>
      <footer class="foot">
        <p>claimflow workbench · no patient data is kept in this browser beyond this tab's session.</p>
      </footer>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'claims':
      return <Claims />;
    case 'claim':
      return <ClaimPage key={route.claimId} claimId={route.claimId} />;
    case 'correct':
      return <CorrectPage key={route.claimId} claimId={route.claimId} />;
    case 'appeal':
      return <AppealPage key={route.claimId} claimId={route.claimId} />;
    case 'work':
      return <WorkQueue />;
    case 'statements':
      return <Statements />;
    case 'reports':
      return <Reports />;
    default:
      return <Dashboard />;
  }
}

function SignIn({
  config,
  auth,
  why,
  onSignedIn,
}: {
  config: ConsoleConfig;
  auth: Auth;
  why: string | undefined;
  onSignedIn: (s: Session) => void;
}) {
  const [role, setRole] = useState<LocalRole>('biller');
  const [error, setError] = useState<string>();
  return (
    <>
      <PageTitle>Sign in</PageTitle>
      {why && <Notice kind="ok">{why}</Notice>}
      {config.auth.kind === 'cognito' ? (
        <button type="button" onClick={() => auth.signInWithCognito()}>
          Sign in with your claimflow account
        </button>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              onSignedIn(await auth.signInLocal(role));
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          <fieldset>
            <legend>Local sign-in (npm start only): a demo user of the demo practices</legend>
            {LOCAL_ROLES.map((r) => (
              <label key={r} class="radio">
                <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
                {r}
              </label>
            ))}
          </fieldset>
          <button type="submit">Sign in</button>
          {error && <Notice kind="error">{error}</Notice>}
        </form>
      )}
    </>
  );
}

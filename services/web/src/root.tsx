import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/problem';
import { AgentContext } from './auth/agent-context';
import { agentOf, createSession, isSignInCallback, type Agent, type SignInState } from './auth/session';
import { loadInstanceConfig, type InstanceConfig } from './instance-config';
import { App, isPublicPath, PublicApp } from './app';
import { SignInPage } from './pages/sign-in-page';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not get better by asking again; a network hiccup might.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 15_000,
    },
  },
});

type Boot = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; config: InstanceConfig; agent: Agent | null; publicPage?: boolean };

/** Reads the instance's settings, finishes a sign-in coming back from the identity provider, then shows the app. */
export function Root() {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const config = await loadInstanceConfig();
        // The State's font and Marianne only for an instance operated by a State service (ADR 0006).
        document.documentElement.toggleAttribute('data-relais-state', config.brand.stateService);
        // A page opened without an account (an action link): no session, no identity provider, whoever is signed in.
        if (isPublicPath(window.location.pathname)) {
          if (!cancelled) setBoot({ phase: 'ready', config, agent: null, publicPage: true });
          return;
        }
        const session = createSession(config);
        if (isSignInCallback()) {
          const user = await session.signinRedirectCallback();
          const state = user.state as SignInState | undefined;
          window.history.replaceState(null, '', state?.returnTo && state.returnTo.startsWith('/') ? state.returnTo : '/');
        }
        const user = await session.getUser();
        const agent = user && !(user.expired && !user.refresh_token) ? agentOf(user) : null;
        session.events.addUserLoaded((renewed) => setBoot({ phase: 'ready', config, agent: agentOf(renewed) }));
        session.events.addUserSignedOut(() => setBoot({ phase: 'ready', config, agent: null }));
        if (!cancelled) setBoot({ phase: 'ready', config, agent });
      } catch (error) {
        if (!cancelled) setBoot({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  if (boot.phase === 'loading') {
    return (
      <p role="status" className="fr-container fr-my-4w">
        Chargement de l’espace de travail…
      </p>
    );
  }
  if (boot.phase === 'failed') {
    return (
      <main className="fr-container fr-my-4w">
        <h1>Relais ne peut pas démarrer</h1>
        <p role="alert">{boot.message}</p>
        <p>
          <a href="/">Réessayer</a>
        </p>
      </main>
    );
  }
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AgentContext.Provider value={{ agent: boot.agent, config: boot.config }}>{boot.publicPage ? <PublicApp /> : boot.agent ? <App /> : <SignInPage />}</AgentContext.Provider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

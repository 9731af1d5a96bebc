/**
 * Sign-in. Two kinds, chosen by /config.json:
 * - cognito: authorization code + PKCE with oidc-client-ts against the user pool's hosted UI; the ID
 *   token (it carries cognito:groups and aud = the console client) is sent as the bearer.
 * - local (`npm start` only): POST /local/token with a role; the local runtime signs a token for a
 *   demo user with this run's key. The Lambda app has no such route.
 * Tokens stay in memory and sessionStorage (gone when the tab closes); never localStorage, never the URL.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { CognitoAuthConfig, ConsoleConfig } from './config';
import { type Session, sessionFromToken } from './lib/session';

export type { Session };

export const LOCAL_ROLES = ['biller', 'manager', 'admin'] as const;
export type LocalRole = (typeof LOCAL_ROLES)[number];

const KEY = 'claimflow.session';

function userManager(auth: CognitoAuthConfig): UserManager {
  const store = new WebStorageStateStore({ store: window.sessionStorage });
  return new UserManager({
    authority: auth.authority,
    client_id: auth.clientId,
    redirect_uri: auth.redirectUri,
    post_logout_redirect_uri: auth.logoutUri,
    response_type: 'code',
    scope: 'openid email',
    userStore: store,
    stateStore: store,
    automaticSilentRenew: false,
    // Cognito's discovery document has no end_session_endpoint: sign-out goes to <domain>/logout.
    metadataSeed: { end_session_endpoint: `${auth.domain}/logout` },
  });
}

export class Auth {
  private session: Session | undefined;
  private readonly manager: UserManager | undefined;

  constructor(private readonly config: ConsoleConfig) {
    this.manager = config.auth.kind === 'cognito' ? userManager(config.auth) : undefined;
  }

  /** The session after a page load: back from the hosted UI, or kept in this tab's sessionStorage. */
  async restore(): Promise<Session | undefined> {
    if (this.manager) {
      const params = new URLSearchParams(window.location.search);
      if (params.has('code') && params.has('state')) {
        await this.manager.signinRedirectCallback();
        // The code must not stay in the address bar or the history.
        window.history.replaceState(null, '', `${window.location.pathname}#/dashboard`);
      }
      const user = await this.manager.getUser();
      if (user?.id_token && !user.expired) this.session = sessionFromToken(user.id_token);
      return this.session;
    }
    const kept = window.sessionStorage.getItem(KEY);
    if (kept) {
      const s = sessionFromToken(kept);
      if (s.expiresAt > Date.now()) this.session = s;
      else window.sessionStorage.removeItem(KEY);
    }
    return this.session;
  }

  current(): Session | undefined {
    if (this.session && this.session.expiresAt <= Date.now()) this.session = undefined;
    return this.session;
  }

  /** Cognito: off to the hosted UI (the page unloads). */
  async signInWithCognito(): Promise<void> {
    await this.manager?.signinRedirect();
  }

  /** Local: a token for a demo user with this role from the local runtime. */
  async signInLocal(role: LocalRole): Promise<Session> {
    const res = await fetch(`${this.config.apiBaseUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role }),
    });
    if (!res.ok) throw new Error(`local sign-in failed (${res.status})`);
    const { token } = (await res.json()) as { token: string };
    window.sessionStorage.setItem(KEY, token);
    this.session = sessionFromToken(token);
    return this.session;
  }

  async signOut(): Promise<void> {
    this.session = undefined;
    window.sessionStorage.removeItem(KEY);
    if (this.manager && this.config.auth.kind === 'cognito') {
      const { domain, clientId, logoutUri } = this.config.auth;
      await this.manager.removeUser();
      window.location.assign(
        `${domain}/logout?client_id=${encodeURIComponent(clientId)}&logout_uri=${encodeURIComponent(logoutUri)}`,
      );
    }
  }
}

/** Small shared pieces of the console: the API context, loading state, messages, page headings. */
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api/client';
import type { Session } from './auth';

export interface AppContext {
  api: Api;
  session: Session;
}

export const Ctx = createContext<AppContext | undefined>(undefined);

export function useApp(): AppContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('no app context');
  return ctx;
}

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; data: T };

/** Runs `load` when `deps` change; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setValue({ state: 'loading' });
    load().then(
      (data) => live && setValue({ state: 'ready', data }),
      (err: unknown) => live && setValue({ state: 'error', message: (err as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [value, useCallback(() => setTick((t) => t + 1), [])];
}

/** Unwraps an openapi-fetch result: the data, or an Error carrying the refusal. */
export function must<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data !== undefined && r.response.ok) return r.data;
  const body = r.error as { error?: string } | undefined;
  throw new Error(`${r.response.status} ${body?.error ?? r.response.statusText}`);
}

export function Show<T>({ value, children }: { value: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (value.state === 'loading')
    return (
      <p role="status" class="muted">
        Loading…
      </p>
    );
  if (value.state === 'error')
    return (
      <p role="alert" class="error">
        Could not load: {value.message}
      </p>
    );
  return <>{children(value.data)}</>;
}

/** A polite live region for results of actions. */
export function Notice({ kind, children }: { kind: 'ok' | 'error'; children: ComponentChildren }) {
  return (
    <p role={kind === 'error' ? 'alert' : 'status'} class={kind === 'error' ? 'error' : 'ok'}>
      {children}
    </p>
  );
}

/** The page's h1; focused on navigation so screen readers announce the new page. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

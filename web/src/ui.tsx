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

/** The caller's practices: its groups that are not a role. */
export function practicesOf(groups: readonly string[]): string[] {
  return groups.filter((g) => !['biller', 'manager', 'admin'].includes(g));
}

/** A labelled select of the caller's practices, optionally with an "all" choice. */
export function PracticeSelect({
  value,
  onChange,
  all,
}: {
  value: string;
  onChange: (practiceId: string) => void;
  all?: boolean;
}) {
  const { session } = useApp();
  return (
    <label>
      Practice
      <select name="practiceId" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {all && <option value="">All my practices</option>}
        {practicesOf(session.groups).map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A table head of column headers. */
export function Thead({ cols }: { cols: readonly string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

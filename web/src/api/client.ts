/**
 * The typed API client: openapi-fetch over the paths of web/src/api/schema.d.ts (generated from the
 * workbench API's OpenAPI document by `npm run web:types`). Every request carries the session's
 * bearer token; a 401 ends the session.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Api = ReturnType<typeof createClient<paths>>;

export function apiClient(baseUrl: string, token: () => string | undefined, onUnauthorized: () => void): Api {
  const client = createClient<paths>({ baseUrl: baseUrl || window.location.origin });
  client.use({
    onRequest({ request }) {
      const t = token();
      if (t) request.headers.set('authorization', `Bearer ${t}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}

/** Saves a downloaded file (PDF, CSV) through a temporary object URL; nothing about it enters the URL bar. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A refused request's body as a short message: the error code, and the fields it names. */
export function errorText(error: unknown): string {
  if (!error || typeof error !== 'object') return 'The request failed.';
  const e = error as { error?: string; message?: string; issues?: { path?: string; field?: string }[] };
  const fields = (e.issues ?? []).map((i) => i.path ?? i.field).filter(Boolean);
  return [e.error ?? 'error', e.message, fields.length ? `fields: ${fields.join(', ')}` : '']
    .filter(Boolean)
    .join(' — ');
}

import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** Every schema of the API contract, by name (`Schemas['Contact']`). */
export type Schemas = components['schemas'];

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;

/** The session's CSRF token, from sign-in or `GET /auth/me`; sent on every mutating request. */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (MUTATING.has(request.method) && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
};

/** The typed client: paths, parameters and bodies are checked against openapi/openapi.json. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrfMiddleware);

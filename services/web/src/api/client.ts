import { accessToken, signIn } from '../auth/session';
import { ApiError, type Problem } from './problem';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Creating POSTs carry one so a retry after a lost answer never creates twice. */
  idempotencyKey?: string;
  /** Public reads (the directory's search) go without a token. */
  anonymous?: boolean;
  signal?: AbortSignal;
}

/**
 * The one way the workspace calls Relais: same origin, bearer token, JSON in and out, problem+json
 * turned into an ApiError carrying the problem's detail. A 401 means the session is over (the refresh
 * failed): the agent is sent to sign in again, and forms keep their draft (useDraft) meanwhile.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (!options.anonymous) {
    const token = await accessToken();
    if (!token) {
      await signIn();
      throw new ApiError(401, null);
    }
    headers['authorization'] = `Bearer ${token}`;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (response.status === 401 && !options.anonymous) {
    await signIn();
    throw new ApiError(401, await problemOf(response));
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function problemOf(response: Response): Promise<Problem | null> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return (await response.json()) as Problem;
  } catch {
    return null;
  }
}

/** Query string from defined values; arrays become repeated parameters. */
export function query(params: Record<string, string | number | boolean | string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((item) => search.append(key, item));
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Calls to the API over real HTTP, as a backend (service token), a reviewer (token or console session). */

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  /** A bearer token. */
  token?: string;
  /** A console session: its cookie and, for changes, its CSRF token. */
  session?: { cookie: string; csrfToken?: string };
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.session) {
    headers.cookie = options.session.cookie;
    if (options.session.csrfToken) headers['x-csrf-token'] = options.session.csrfToken;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: the text as it came.
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/**
 * `call`, asked again each second while the API answers 503 (up to 30 times): after an upgrade, a
 * message to a run waits until the old worker's sticky queue times out and the new one takes it.
 */
export async function callUntilServed<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  let answer = await call<T>(baseUrl, method, path, options);
  for (let attempt = 0; answer.status === 503 && attempt < 30; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    answer = await call<T>(baseUrl, method, path, options);
  }
  return answer;
}

/** Signs a reviewer in to the console: the session cookie (name=value) and its CSRF token. */
export async function signIn(
  baseUrl: string,
  token: string,
): Promise<{ cookie: string; csrfToken: string; setCookie: string; expiresAt: string }> {
  const answer = await call(baseUrl, 'POST', '/v1/session', { body: { token } });
  if (answer.status !== 201) throw new Error(`sign-in: ${answer.status} ${JSON.stringify(answer.body)}`);
  const setCookie = answer.headers.get('set-cookie') ?? '';
  return {
    cookie: setCookie.split(';')[0]!,
    csrfToken: answer.body.csrfToken as string,
    setCookie,
    expiresAt: answer.body.expiresAt as string,
  };
}

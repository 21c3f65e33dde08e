/**
 * Single sign-on on the sign-in page: a link that starts the identity provider's login (a full
 * navigation: the provider's pages take over, and its redirect back lands on the console), and
 * what went wrong when the API sent the browser back with `?sign_in_error=`.
 */

const SIGN_IN_ERRORS: Record<string, string> = {
  no_desk_role:
    'Your account has no review desk role (reviewer, senior reviewer or auditor). Ask your administrator for one.',
  sso_denied: 'The identity provider did not sign you in.',
  sso_invalid: "The identity provider's answer could not be verified. Try again.",
  sso_expired: 'That sign-in took too long or was already used. Try again.',
};

/** The problem the URL reports, if any. */
export function signInErrorFromUrl(): string | undefined {
  const code = new URL(window.location.href).searchParams.get('sign_in_error');
  if (code === null) return undefined;
  return SIGN_IN_ERRORS[code] ?? 'Single sign-on failed. Try again.';
}

/** Removes the problem from the URL, so that a reload does not show it again. */
export function forgetSignInError(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('sign_in_error')) return;
  url.searchParams.delete('sign_in_error');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
}

export function SingleSignOn({ displayName }: { displayName: string | undefined }) {
  return (
    <section className="sso" aria-label="Single sign-on">
      <a className="button" href="/v1/session/oidc/start">
        Sign in with single sign-on
      </a>
      {displayName && <p className="hint">Through {displayName}</p>}
    </section>
  );
}

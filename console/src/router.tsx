/** The console's pages (the queue, a case, a case's record), addressed by path under /console, with the browser's back and forward. */
import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';

export type Route =
  { page: 'queue' } | { page: 'case'; onboardingId: string } | { page: 'record'; onboardingId: string };

const BASE = '/console';

export function parseRoute(pathname: string): Route {
  const match = /^\/console\/cases\/([0-9a-f]{24})(\/record)?\/?$/.exec(pathname);
  if (!match) return { page: 'queue' };
  return { page: match[2] ? 'record' : 'case', onboardingId: match[1]! };
}

/** The queue's filters as last set in this tab, so that a link back to the queue keeps them. */
let queueSearch = '';
export function rememberQueueSearch(search: string): void {
  queueSearch = search;
}

export function hrefOf(route: Route): string {
  if (route.page === 'queue') return `${BASE}/${queueSearch}`;
  return `${BASE}/cases/${route.onboardingId}${route.page === 'record' ? '/record' : ''}`;
}

export function navigate(route: Route): void {
  window.history.pushState(null, '', hrefOf(route));
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}

/** A link that moves within the console without reloading it (and opens normally with a modifier key). */
export function Link({ to, children, className }: { to: Route; children: ReactNode; className?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={hrefOf(to)} onClick={onClick} className={className}>
      {children}
    </a>
  );
}

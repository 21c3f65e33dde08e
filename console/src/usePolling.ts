import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Loads `load()` now, again every `intervalMs` while the tab is visible, and at once when it
 * becomes visible again: the page stays fresh without a reload.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[]) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const latest = useRef(load);
  useEffect(() => {
    latest.current = load;
  });

  // Answers can arrive out of order (a slow poll after a refresh): only the latest request's counts.
  const issued = useRef(0);
  const refresh = useCallback(async () => {
    const request = ++issued.current;
    try {
      const value = await latest.current();
      if (request !== issued.current) return;
      setData(value);
      setError(undefined);
    } catch (caught) {
      if (request === issued.current) setError(caught);
    }
  }, []);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, intervalMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what reloads it
  }, [refresh, intervalMs, ...deps]);

  return { data, error, refresh };
}

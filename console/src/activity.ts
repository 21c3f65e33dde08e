/**
 * Whether someone is at the desk: the last click, key or touch in this tab. A tab left open keeps
 * polling the API, and the API would take every poll for use; requests made a minute or more
 * after the last interaction say `X-Console-Activity: idle`, so the session's idle timeout
 * (CONSOLE_SESSION_IDLE_TIMEOUT) ends an unattended tab's session as it does an abandoned one.
 */
const IDLE_AFTER_MS = 60_000;
let lastInteraction = Date.now();

for (const event of ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const) {
  window.addEventListener(event, () => (lastInteraction = Date.now()), { capture: true, passive: true });
}

/** The header that tells the API this request was not prompted by anyone. */
export function activityHeaders(): Record<string, string> {
  return Date.now() - lastInteraction >= IDLE_AFTER_MS ? { 'X-Console-Activity': 'idle' } : {};
}

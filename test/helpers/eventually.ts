/** Waiting in tests for what the system does a moment later (a delivery, an event, a row). */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first value `probe` gives that is not undefined, polled every 200 ms for up to `ms`; else it fails naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

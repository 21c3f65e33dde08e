/** What `npm start` has started, stopped in reverse order on Ctrl-C, SIGTERM or a failure. */
export class Stopper {
  private readonly parts: { name: string; stop: () => Promise<unknown> }[] = [];
  stopping = false;

  constructor() {
    process.on('SIGINT', () => void this.stopAll(0));
    process.on('SIGTERM', () => void this.stopAll(0));
  }

  add(name: string, stop: () => Promise<unknown>): void {
    this.parts.push({ name, stop });
  }

  /** Stops every part, newest first, saying so, then exits with `code`. */
  async stopAll(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    console.log('\nStopping…');
    for (const { name, stop } of this.parts.reverse()) {
      await stop().then(
        () => console.log(`  stopped ${name}`),
        (error: unknown) => console.error(`  stopping ${name} failed: ${(error as Error).message}`),
      );
    }
    process.exit(code);
  }
}

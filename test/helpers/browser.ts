/**
 * Headless Chromium for the console's end-to-end tests: the machine's own browser (found or
 * installed by `npm test`, given as CHROMIUM_PATH) driven by playwright-core. The flags keep a
 * closed network quiet: no background fetches, no component updates, no QUIC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findOrInstallChromium } from '../../dev/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  /** A fresh browser profile: its own cookies, as a second person at another desk. */
  newProfile(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = process.env.CHROMIUM_PATH ?? findOrInstallChromium();
  const profiles: { context: BrowserContext; dir: string }[] = [];
  return {
    async newProfile(viewport = { width: 1280, height: 900 }) {
      const dir = mkdtempSync(path.join(tmpdir(), 'kyc-console-profile-'));
      const context = await chromium.launchPersistentContext(dir, {
        executablePath,
        headless: true,
        args: FLAGS,
        viewport,
      });
      profiles.push({ context, dir });
      return context;
    },
    async close() {
      for (const { context, dir } of profiles) {
        await context.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

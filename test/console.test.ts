/**
 * The review console end to end, in headless Chromium against the real API, dev server, worker,
 * emulator and PostgreSQL: two reviewers decide a four-eyes case from the console alone.
 * Screenshots go to test/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { launchBrowser, type TestBrowser } from './helpers/browser';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call } from './helpers/http';
import {
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';

const SCREENSHOTS = path.resolve(__dirname, 'screenshots');
const MARKUP_REASON = '<img src=x onerror="window.__pwned=1"><b>bold</b> documents match';

describe('the review console in a browser', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let browser: TestBrowser;

  const shoot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${system.apiUrl}/console/`);
    await page.getByLabel('Reviewer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await freshDatabase(TEST_DATABASE_URL, 'console');
    system = await startTestSystem({ databaseUrl: database.url });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await system?.close();
    await database?.drop();
  });

  it('two reviewers decide a four-eyes case from the console alone: queue, evidence, claim, approvals, audit', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const id = applicant.clientId;
    assert.equal(
      (await call(system.apiUrl, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant })).status,
      201,
    );
    await system.waitForStatus(system.client.workflow.getHandle(onboardingWorkflowId(id)), 'awaiting_review');
    await system.waitForReviewCase(id, 'awaiting_review');

    // Alice signs in; the case is on the queue; she opens it and sees the evidence.
    const alice = await (await browser.newProfile()).newPage();
    await signIn(alice, REVIEWER_TOKEN);
    const row = alice.getByRole('row').filter({ hasText: id });
    await row.waitFor();
    assert.match(await row.innerText(), /Awaiting review/);
    await shoot(alice, 'console-queue');
    await row.getByRole('link').click();
    await alice.getByRole('heading', { name: id }).waitFor();
    await alice
      .getByRole('heading', { name: /Identity fraud check/ })
      .first()
      .waitFor();
    await alice.locator('.evidence .analysis.attention').first().waitFor();
    await shoot(alice, 'console-case');

    // She claims it; Bob, in another browser, sees her claim.
    await alice.getByRole('button', { name: 'Claim this case' }).click();
    await alice.getByText(/Claimed by you/).waitFor();
    const bobContext = await browser.newProfile();
    const bob = await bobContext.newPage();
    await signIn(bob, OTHER_REVIEWER_TOKEN);
    await bob.goto(`${system.apiUrl}/console/cases/${id}`);
    await bob.getByText('Claimed by reviewer-alice').waitFor();
    await shoot(bob, 'console-claimed-by-other');

    // A change without the session's CSRF token is refused, whatever the cookie.
    const forged = await bob.evaluate(async (path) => {
      const response = await fetch(path, { method: 'POST' });
      return { status: response.status, body: (await response.json()) as { error: string } };
    }, `/v1/onboardings/${id}/claim`);
    assert.deepEqual(forged, { status: 403, body: { ...forged.body, error: 'csrf_token_invalid' } });

    // Alice approves first, with a reason full of markup: the case awaits a second approval.
    await alice.getByLabel('Approve').check();
    await alice.getByLabel('Reason (kept on the record)').fill(MARKUP_REASON);
    await alice.getByRole('button', { name: 'Submit decision' }).click();
    await alice.getByText('First approval recorded: a second reviewer must approve.').waitFor();
    await alice.locator('.summary').getByText('Awaiting second approval').waitFor();
    await shoot(alice, 'console-awaiting-second-approval');

    // Bob approves second and the case is decided.
    await bob.reload();
    await bob.getByText(/Approved first by/).waitFor();
    await bob.getByLabel('Approve').check();
    await bob.getByLabel('Reason (kept on the record)').fill('second pair of eyes: agree');
    await bob.getByRole('button', { name: 'Submit decision' }).click();
    await bob.locator('.summary').getByText('Approved', { exact: true }).waitFor();
    await bob.getByRole('heading', { name: 'Decision', exact: true }).waitFor();
    const auditRows = bob.getByRole('region', { name: 'Audit trail' }).getByRole('row');
    await auditRows.filter({ hasText: 'reviewer-bob' }).waitFor();
    await shoot(bob, 'console-decided');

    // The markup is text on the page, never elements.
    const shown = bob.getByText(MARKUP_REASON).first();
    await shown.waitFor();
    assert.equal(await bob.locator('.reason b, .reason img').count(), 0);
    assert.equal(await bob.evaluate('window.__pwned'), undefined);

    // The record: the decision with both approvals, and the audit rows.
    // The store holds each reason as a reference to its encrypted text (docs/payload-encryption.md);
    // the API reads them.
    const [stored] = await system.store.decisionsFor(id);
    assert.ok(
      stored?.approvals?.every((a) => /^pd1:/.test(a.reason)),
      'no reason in clear in the store',
    );
    const decisions = await call(system.apiUrl, 'GET', `/v1/decisions/${id}`, { token: SERVICE_TOKEN });
    const [decision] = decisions.body.items as (typeof stored)[];
    assert.equal(decision?.decision, 'approved');
    assert.deepEqual(
      decision?.approvals?.map((a) => [a.reviewer, a.channel, a.reason]),
      [
        ['reviewer-alice', 'console', MARKUP_REASON],
        ['reviewer-bob', 'console', 'second pair of eyes: agree'],
      ],
    );
    assert.deepEqual(
      (await system.store.reviewActionsFor(id)).map((a) => [a.kind, a.actor, a.channel]),
      [
        ['claim', 'reviewer-alice', 'console'],
        ['first_approval', 'reviewer-alice', 'console'],
        ['decision', 'reviewer-bob', 'console'],
      ],
    );
  });

  it('works at a narrow width, by keyboard, and signs out', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    await system.waitForStatus(await system.start(applicant), 'awaiting_review');
    await system.waitForReviewCase(applicant.clientId, 'awaiting_review');
    const page = await (await browser.newProfile({ width: 390, height: 844 })).newPage();
    await page.goto(`${system.apiUrl}/console/`);
    // Keyboard only: the token field has focus order first, Enter submits.
    await page.getByLabel('Reviewer token').focus();
    await page.keyboard.type(REVIEWER_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await page.getByRole('row').filter({ hasText: applicant.clientId }).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `the queue overflows a phone's width by ${overflow}px`);
    await shoot(page, 'console-queue-narrow');
    await page.goto(`${system.apiUrl}/console/cases/${applicant.clientId}`);
    await page.locator('.evidence .analysis.attention').first().waitFor();
    await shoot(page, 'console-case-narrow');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Reviewer token').waitFor();
    const after = await page.evaluate(async () => (await fetch('/v1/session')).status);
    assert.equal(after, 401);
  });
});

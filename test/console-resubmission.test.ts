/**
 * Resubmission from the review console, in headless Chromium against the real API, dev server,
 * worker, emulator and PostgreSQL: a reviewer asks for a new document through the decision form,
 * the case page then shows what the applicant was asked for instead of the form, and once the
 * backend answers, the replaced check stays in view as superseded and the policy's single round is
 * used up; one that never comes shows as an expired outcome. Screenshots go to
 * /tmp/console-resubmission*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { launchBrowser, type TestBrowser } from './helpers/browser';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call } from './helpers/http';
import {
  REVIEWER_TOKEN,
  resultOf,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';

const NOTE = 'The photo page is blurred <b>and</b> the lower edge is cut off.';

describe('resubmission from the review console', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let browser: TestBrowser;

  const shoot = (page: Page, name: string) => page.screenshot({ path: `/tmp/${name}.png`, fullPage: true });

  async function reviewerPage(): Promise<Page> {
    const page = await (await browser.newProfile()).newPage();
    await page.goto(`${system.apiUrl}/console/`);
    await page.getByLabel('Reviewer token').fill(REVIEWER_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    return page;
  }

  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'console_resubmission');
    // One round only, so that the form's "rounds used up" state shows after it.
    system = await startTestSystem({ databaseUrl: database.url, env: { POLICY_RESUBMISSION_ROUNDS: '1' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await system?.close();
    await database?.drop();
  });

  it('asks for a new document, shows the wait, then the superseded check and the rounds used up', async () => {
    // An applicant whose enhanced identity check needs attention, started through the API.
    const applicant = await system.seed();
    const id = applicant.clientId;
    await system.control(`/clients/${id}/behaviour`, { enhanced_identity_check: { outcome: 'attention' } });
    const started = await call(system.apiUrl, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(id));
    await system.waitForStatus(handle, 'awaiting_review', 30_000);

    // A reviewer opens the case and chooses to ask for a resubmission.
    const page = await reviewerPage();
    await page.goto(`${system.apiUrl}/console/cases/${id}`);
    await page.locator('.evidence .analysis.attention').first().waitFor();
    await page.getByLabel('Ask for resubmission').check();

    // Nothing goes until an item, a reason and a note are given.
    const send = page.getByRole('button', { name: 'Send resubmission request' });
    assert.equal(await send.isDisabled(), true);
    await page.getByText('Still needed: what to resubmit, a reason, a note.').waitFor();
    await page.getByLabel('Document', { exact: true }).check();
    await page.getByLabel(/The document photo is blurred/).check();
    assert.equal(await send.isDisabled(), true);
    await page.getByLabel(/^Note/).fill(NOTE);
    await shoot(page, 'console-resubmission-form');
    await send.click();

    // The case page shows the wait in place of the decision form.
    const wait = page.getByRole('region', { name: 'Waiting for the applicant' });
    await wait.waitFor();
    await wait
      .getByText(/Waiting for the applicant to resubmit the document \(document_unreadable\) · round 1 of 1 · due/)
      .waitFor();
    await wait.getByText('The document photo is blurred, cropped, too dark or shows glare.').waitFor();
    await wait.getByText(NOTE).waitFor();
    await page.locator('.summary').getByText('Awaiting resubmission').waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Decide' }).count(), 0);
    assert.equal(await page.locator('.reason b').count(), 0, 'the note is text, never markup');
    const audit = page.getByRole('region', { name: 'Audit trail' }).getByRole('row');
    await audit.filter({ hasText: 'asked the applicant for a resubmission of document' }).waitFor();
    await page.getByText('Resubmission asked of the applicant').waitFor();
    await shoot(page, 'console-resubmission');

    // The API agrees: the run waits for the document, for these reasons, asked from the console.
    const state = await call(system.apiUrl, 'GET', `/v1/onboardings/${id}`, { token: SERVICE_TOKEN });
    assert.equal(state.body.status, 'awaiting_resubmission');
    assert.deepEqual(state.body.resubmission.items, ['document']);
    assert.deepEqual(state.body.resubmission.reasonCodes, ['document_unreadable']);
    assert.equal(state.body.resubmission.note, NOTE);
    assert.equal(state.body.resubmission.requestedBy, 'reviewer-alice');
    assert.equal(state.body.resubmission.channel, 'console');
    assert.equal(state.body.resubmissionRounds, 1);

    // The backend answers with a new document; the check runs again and the case returns to review.
    const documentId = await system.newDocument(id);
    const answered = await call(system.apiUrl, 'POST', `/v1/onboardings/${id}/resubmissions`, {
      token: SERVICE_TOKEN,
      body: { documentId },
    });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    await page.reload();
    await page.locator('.summary').getByText('Awaiting review').waitFor();
    await page.locator('.checks-summary li.superseded').getByText('Enhanced identity check').waitFor();
    await page.getByText('The applicant resubmitted').waitFor();
    // The policy's one round is used: the form says so and does not offer another.
    assert.equal(await page.getByLabel('Ask for resubmission').isDisabled(), true);
    await page.getByText('The one resubmission round this policy allows was used: approve or reject it.').waitFor();
    await shoot(page, 'console-resubmission-superseded');
  });

  it('shows a resubmission that never came as an expired outcome', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const handle = await system.start(applicant, { resubmissionDeadline: '2s' });
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    const asked = await call(system.apiUrl, 'POST', `/v1/onboardings/${applicant.clientId}/review`, {
      token: REVIEWER_TOKEN,
      body: {
        decision: 'request_resubmission',
        reason: 'Please send the passport again',
        resubmission: { items: ['document', 'live_video'], reasonCodes: ['document_expired', 'face_not_visible'] },
      },
    });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal((await resultOf(handle)).decision, 'expired');

    const page = await reviewerPage();
    await page.goto(`${system.apiUrl}/console/cases/${applicant.clientId}`);
    await page.locator('.summary').getByText('Expired', { exact: true }).waitFor();
    const decision = page.getByRole('region', { name: 'Decision', exact: true });
    await decision.getByText('The applicant did not resubmit what was asked for before it was due.').waitFor();
    await decision.getByText('resubmission_expired').waitFor();
    const audit = page.getByRole('region', { name: 'Audit trail' }).getByRole('row');
    await audit.filter({ hasText: 'resubmission of document and live video' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Waiting for the applicant' }).count(), 0);
    await shoot(page, 'console-resubmission-expired');
  });
});

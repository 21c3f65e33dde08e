/**
 * The reviewer's desk (issue 23) in headless Chromium at 1366×900, against the real API, dev
 * server, worker, emulator and PostgreSQL: the case page shows the applicant (name, document image,
 * face) with the decision form in view on load; the queue shows names, filters by what the URL
 * keeps, and who holds each case; a note reaches the audit trail; a senior assigns a case; the
 * first approver is not offered Approve again. Screenshots go to /tmp/desk-shots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { launchBrowser, type TestBrowser } from './helpers/browser';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call } from './helpers/http';
import {
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SENIOR_REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';

const SHOTS = '/tmp/desk-shots';
/** The members of an `<img>` these checks read (this file is compiled without the DOM's types). */
type Picture = { complete: boolean; naturalWidth: number };
const DESK = { width: 1366, height: 900 };

describe("the reviewer's desk in a browser", () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let browser: TestBrowser;
  /** Both checks need attention (last name `attention`), the face analysis among them: four-eyes. */
  let both: SeededApplicant;
  /** Only the enhanced identity check needs attention: one approval decides it. */
  let enhancedOnly: SeededApplicant;

  const shoot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });

  async function signedIn(token: string): Promise<Page> {
    const page = await (await browser.newProfile(DESK)).newPage();
    await page.goto(`${system.apiUrl}/console/`);
    await page.getByLabel('Reviewer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    return page;
  }

  /** Started as a backend starts one (so with the policy's defaults: four-eyes included), then in review. */
  async function inReview(applicant: SeededApplicant): Promise<void> {
    const started = await call(system.apiUrl, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId));
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    await system.waitForReviewCase(applicant.clientId, 'awaiting_review');
  }

  /** The control is in the viewport as the page loaded, and a click at its centre lands on it. */
  async function inViewWithoutScrolling(page: Page, control: Locator, what: string): Promise<void> {
    assert.equal(await page.evaluate<number>('window.scrollY'), 0, 'the page has not scrolled');
    const box = await control.boundingBox();
    assert.ok(box, `${what} is laid out`);
    assert.ok(box.y >= 0 && box.y + box.height <= DESK.height, `${what} is within 0..900 (at ${box.y})`);
    assert.ok(box.x >= 0 && box.x + box.width <= DESK.width, `${what} is within the width (at ${box.x})`);
    const hit = await control.evaluate(
      (element, { x, y }) => {
        const { document } = globalThis as unknown as { document: { elementFromPoint(x: number, y: number): unknown } };
        const top = document.elementFromPoint(x, y);
        const control = element as unknown as { contains(other: unknown): boolean; closest(selector: string): unknown };
        return top !== null && (top === element || control.contains(top) || top === control.closest('label'));
      },
      { x: box.x + box.width / 2, y: box.y + box.height / 2 },
    );
    assert.ok(hit, `${what} is the element at its centre, not covered`);
  }

  /** An image's natural width once the browser is done with it: 0 for one that failed to load. */
  async function loadedWidth(page: Page, image: Locator): Promise<number> {
    await image.waitFor();
    await page.waitForFunction((img) => (img as unknown as Picture).complete, await image.elementHandle());
    return image.evaluate((img) => (img as unknown as Picture).naturalWidth);
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    database = await freshDatabase(TEST_DATABASE_URL, 'console_desk');
    system = await startTestSystem({ databaseUrl: database.url });
    browser = await launchBrowser();
    both = await system.seed({ firstName: 'Wilhelmina', lastName: 'attention', nationality: 'NL', dob: '1988-04-17' });
    enhancedOnly = await system.seed({ firstName: 'Bartholomew', lastName: 'Quist' });
    await system.control(`/clients/${enhancedOnly.clientId}/behaviour`, {
      enhanced_identity_check: { outcome: 'attention' },
    });
    await Promise.all([inReview(both), inReview(enhancedOnly)]);
  });
  after(async () => {
    await browser?.close();
    await system?.close();
    await database?.drop();
  });

  it('shows the applicant, their document and face, with Approve in view without scrolling', async () => {
    const page = await signedIn(REVIEWER_TOKEN);
    await page.goto(`${system.apiUrl}/console/cases/${both.clientId}`);

    const applicant = page.getByRole('region', { name: 'Wilhelmina attention' });
    await applicant.getByRole('heading', { name: 'Wilhelmina attention' }).waitFor();
    await applicant.getByText(/1988 \(age \d+\)/).waitFor();
    await applicant.getByText('Netherlands (NL)').waitFor();
    await applicant.getByText('Passport').waitFor();
    await applicant.getByText('Recite digits: 7462').waitFor();
    await applicant.getByText(/Face needs attention/).waitFor();

    const documentWidth = await loadedWidth(page, applicant.locator('img[alt^="Document front"]'));
    assert.ok(documentWidth > 0, `the document image loaded (naturalWidth ${documentWidth})`);
    const faceWidth = await loadedWidth(page, applicant.locator('img[alt^="Face"]'));
    assert.ok(faceWidth > 0, `the face loaded (naturalWidth ${faceWidth})`);

    // Measured once the page is complete: the evidence and the audit trail are in.
    await page.locator('.evidence .analysis').first().waitFor();
    await page.getByText('No review action yet.').waitFor();

    // Times are to the second, in a named zone.
    await page
      .locator('.summary')
      .getByText(/Opened [^·]*\d{2}:\d{2}:\d{2} (UTC|GMT[+-]?\d*|[A-Z]{3,5})/)
      .waitFor();

    await inViewWithoutScrolling(page, page.getByLabel('Approve', { exact: true }), 'Approve');
    await inViewWithoutScrolling(page, page.getByLabel('Reject', { exact: true }), 'Reject');
    await shoot(page, 'case');
    await shoot(page, 'case-full', true);
  });

  it('says in words why a check ended without a result', async () => {
    // ComplyCube refuses the next check creation as unprocessable: one of the two checks errs.
    const refused = await system.seed({ firstName: 'Oksana', lastName: 'attention' });
    await system.control('/faults', { kind: 'error', status: 422, method: 'POST', path: '/checks', count: 1 });
    await inReview(refused);
    const page = await signedIn(REVIEWER_TOKEN);
    await page.goto(`${system.apiUrl}/console/cases/${refused.clientId}`);
    const failure = page.locator('.checks-summary .failure');
    await failure.getByText(/ComplyCube refused the check as unprocessable/).waitFor();
    assert.match(await failure.innerText(), /ComplyCubeUnprocessable/);
    await page.getByText(/No result from ComplyCube: the check ended without one/).waitFor();
    await shoot(page, 'case-check-error');
  });

  it('lists names in the queue, narrows it by filters the URL keeps, and says when a client ID is not one', async () => {
    const page = await signedIn(REVIEWER_TOKEN);
    const rowOf = (applicant: SeededApplicant) => page.getByRole('row').filter({ hasText: applicant.clientId });
    await rowOf(both).getByText('Wilhelmina attention').waitFor();
    await rowOf(enhancedOnly).getByText('Bartholomew Quist').waitFor();

    // Only cases whose identity fraud check needs attention.
    await page.getByLabel('Reason').selectOption('identity_fraud_check.attention');
    await rowOf(both).waitFor();
    assert.equal(await rowOf(enhancedOnly).count(), 0);
    assert.match(page.url(), /reason=identity_fraud_check\.attention/);

    // A reload keeps the filter.
    await page.reload();
    assert.equal(await page.getByLabel('Reason').inputValue(), 'identity_fraud_check.attention');
    await rowOf(both).waitFor();
    assert.equal(await rowOf(enhancedOnly).count(), 0);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await rowOf(enhancedOnly).waitFor();

    // A client ID: not one yet says so and filters nothing; a pasted one narrows to that client.
    const search = page.getByLabel('Client ID');
    await search.fill(enhancedOnly.clientId.slice(0, 20));
    await page.getByText(/Not a client ID/).waitFor();
    assert.equal(await rowOf(both).count(), 1);
    await search.fill(` ${enhancedOnly.clientId.toUpperCase()} `);
    // The table shows a filter's answer only once it has come: this one lists that client alone.
    await rowOf(enhancedOnly).waitFor();
    assert.equal(await rowOf(both).count(), 0);
    assert.equal(await page.getByText(/Not a client ID/).count(), 0);
    assert.match(page.url(), new RegExp(`clientId=${enhancedOnly.clientId}`));
    assert.doesNotMatch(page.url(), /Bartholomew|Quist/, 'no name in the URL');
    assert.equal(
      await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })'),
      '{}{}',
      'nothing in storage',
    );
    await page.getByLabel('Status').selectOption('awaiting_review');
    await rowOf(enhancedOnly).waitFor();
    await shoot(page, 'queue-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await rowOf(both).waitFor();
    await shoot(page, 'queue');
  });

  it('puts an internal note on the audit trail', async () => {
    const page = await signedIn(REVIEWER_TOKEN);
    await page.goto(`${system.apiUrl}/console/cases/${enhancedOnly.clientId}`);
    const note = 'Called the applicant: the passport was renewed in March <b>not bold</b>.';
    await page.getByLabel(/^Internal note/).fill(note);
    await page.getByRole('button', { name: 'Add note' }).click();
    const row = page.getByRole('region', { name: 'Audit trail' }).getByRole('row').filter({ hasText: note });
    await row.waitFor();
    assert.match(await row.innerText(), /reviewer-alice[\s\S]*added an internal note/);
    assert.equal(await page.locator('.audit b').count(), 0, 'the note is text, never markup');
  });

  it('lets a senior assign a case, shown on the case and in the queue, and to the assignee as theirs', async () => {
    const alice = await signedIn(REVIEWER_TOKEN);
    await alice.goto(`${system.apiUrl}/console/cases/${enhancedOnly.clientId}`);
    await alice.getByLabel('Approve', { exact: true }).waitFor();
    await alice.getByRole('button', { name: 'Add note' }).waitFor();
    assert.equal(await alice.getByRole('heading', { name: 'Assign to…' }).count(), 0, 'a reviewer cannot assign');

    const carol = await signedIn(SENIOR_REVIEWER_TOKEN);
    await carol.goto(`${system.apiUrl}/console/cases/${enhancedOnly.clientId}`);
    await carol.getByRole('heading', { name: 'Assign to…' }).waitFor();
    await carol.getByLabel('Reviewer to assign the case to').fill('reviewer-bob');
    await carol.getByRole('button', { name: 'Assign', exact: true }).click();
    await carol.getByText('Assigned to reviewer-bob by senior-carol').first().waitFor();
    const audit = carol.getByRole('region', { name: 'Audit trail' }).getByRole('row');
    await audit.filter({ hasText: 'assigned the case to reviewer-bob' }).waitFor();
    await shoot(carol, 'case-assigned');

    const bob = await signedIn(OTHER_REVIEWER_TOKEN);
    await bob.getByLabel('Mine').check();
    const row = bob.getByRole('row').filter({ hasText: enhancedOnly.clientId });
    await row.getByText('Assigned to you by senior-carol').waitFor();
    assert.equal(await bob.getByRole('row').filter({ hasText: both.clientId }).count(), 0);
    await shoot(bob, 'queue-mine');

    // Alice, who does not hold it, tries to reject it: refused, and the audit trail says what she tried.
    await alice.reload();
    await alice.getByText('Assigned to reviewer-bob by senior-carol').first().waitFor();
    await alice.getByLabel('Reject', { exact: true }).check();
    await alice.getByLabel(/data do not match/).check();
    await alice.getByLabel('Reason (kept on the record)').fill('Trying anyway');
    await alice.getByRole('button', { name: 'Submit decision' }).click();
    await alice
      .locator('.decision .problem')
      .getByText(/Another reviewer holds this case/)
      .waitFor();
    const refused = alice.getByRole('region', { name: 'Audit trail' }).getByRole('row').filter({ hasText: 'refused' });
    await refused.getByText('Tried to reject — refused: Another reviewer holds this case').waitFor();
    await shoot(alice, 'case-refused', true);
  });

  it('does not offer Approve to the first approver of a four-eyes case, and shows both approvers once decided', async () => {
    const alice = await signedIn(REVIEWER_TOKEN);
    await alice.goto(`${system.apiUrl}/console/cases/${both.clientId}`);
    await alice.getByLabel('Approve', { exact: true }).check();
    await alice.getByLabel(/false positive/).check();
    await alice
      .getByLabel('Reason (kept on the record)')
      .fill('The police record is a namesake; the date of birth differs.');
    await alice.getByRole('button', { name: 'Submit decision' }).click();
    await alice.getByText('First approval recorded: a second reviewer must approve.').waitFor();
    // Opened afresh, the case offers her Reject and resubmission, in view, and says why not Approve.
    await alice.reload();
    await alice.getByText(/a different reviewer must approve/).waitFor();
    assert.equal(await alice.getByLabel('Approve', { exact: true }).count(), 0, 'no Approve for the first approver');
    await inViewWithoutScrolling(alice, alice.getByLabel('Reject', { exact: true }), 'Reject');
    await shoot(alice, 'case-first-approver');

    const bob = await signedIn(OTHER_REVIEWER_TOKEN);
    await bob.goto(`${system.apiUrl}/console/cases/${both.clientId}`);
    await bob.getByText(/Approved first by/).waitFor();
    await bob.getByLabel('Approve', { exact: true }).check();
    await bob.getByLabel(/face in the live video matches/).check();
    await bob.getByLabel('Reason (kept on the record)').fill('Agreed: same person, earlier onboarding.');
    await bob.getByRole('button', { name: 'Submit decision' }).click();
    const approvals = bob.getByRole('list', { name: 'Approvals' });
    await approvals.waitFor();
    assert.match(
      await approvals.innerText(),
      /First approval\s+reviewer-alice[\s\S]*Deciding approval\s+reviewer-bob/i,
    );
    await bob.reload();
    await approvals.getByText('The face in the live video matches the document photo.').waitFor();
    await shoot(bob, 'case-decided');
  });
});

/**
 * The printable case record in the console, end to end in headless Chromium: an auditor opens a
 * reviewed case's record from the case page, sees it verified with every event and who did it,
 * downloads the API's answer as JSON, and the page prints without the console around it.
 * Screenshots go to test/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { launchBrowser, type TestBrowser } from './helpers/browser';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call } from './helpers/http';
import {
  AUDITOR_TOKEN,
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';

const SCREENSHOTS = path.resolve(__dirname, 'screenshots');

describe('the case record in the console', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let browser: TestBrowser;
  const api = (method: string, route: string, token: string, body?: unknown) =>
    call(system.apiUrl, method, route, { token, body });

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await freshDatabase(TEST_DATABASE_URL, 'console_record');
    system = await startTestSystem({ databaseUrl: database.url });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await system?.close();
    await database?.drop();
  });

  it('shows an auditor the verified record of a reviewed case, to print or download', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const id = applicant.clientId;
    assert.equal((await api('POST', '/v1/onboardings', SERVICE_TOKEN, applicant)).status, 201);
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(id));
    await system.waitForStatus(handle, 'awaiting_review');
    await system.waitForReviewCase(id, 'awaiting_review');
    assert.equal((await api('POST', `/v1/onboardings/${id}/claim`, REVIEWER_TOKEN)).status, 200);
    const approve = { decision: 'approve', reason: '<b>documents</b> match' };
    assert.equal((await api('POST', `/v1/onboardings/${id}/review`, REVIEWER_TOKEN, approve)).status, 200);
    const done = await api('POST', `/v1/onboardings/${id}/review`, OTHER_REVIEWER_TOKEN, approve);
    assert.equal(done.body.status, 'approved', JSON.stringify(done.body));
    await handle.result();

    // The auditor signs in with the token form and goes from the case to its record.
    const page = await (await browser.newProfile()).newPage();
    await page.goto(`${system.apiUrl}/console/`);
    await page.getByLabel('Reviewer token').fill(AUDITOR_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await page.goto(`${system.apiUrl}/console/cases/${id}`);
    await page.locator('.evidence .analysis').first().waitFor(); // her view of the evidence is on the record too
    await page.locator('.record-link.prominent').getByRole('link', { name: 'Case record (ledger)' }).click();
    await page.getByRole('heading', { name: 'Case record' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/console/cases/${id}/record`);

    const verification = page.locator('.verification');
    await verification.waitFor();
    const expected = (await api('GET', `/v1/onboardings/${id}/record`, AUDITOR_TOKEN)).body;
    const count = (expected.entries as unknown[]).length;
    assert.equal(await verification.innerText(), `✓ ${count} entries, each hash rechecked`);
    const rows = page.locator('.record-table tbody tr');
    assert.equal(await rows.count(), count);
    const recorded = rows.filter({ hasText: 'Decision recorded' });
    assert.equal(await recorded.count(), 1);
    assert.match(await recorded.innerText(), /approved/);
    await rows.filter({ hasText: 'First approval' }).filter({ hasText: 'reviewer-alice' }).waitFor();
    await rows.filter({ hasText: 'Decision' }).filter({ hasText: 'reviewer-bob' }).first().waitFor();
    await rows.filter({ hasText: 'Evidence viewed' }).filter({ hasText: 'auditor-dan' }).waitFor();
    // A reason's markup is text, never elements; each hash shows short with the whole in its title.
    assert.equal(await page.locator('.record-table b').count(), 0);
    // The reason, kept encrypted under a reference, is read for the page (docs/payload-encryption.md).
    await rows.filter({ hasText: 'reason: <b>documents</b> match' }).first().waitFor();
    const hash = page.locator('.record-table .hash').first();
    assert.equal((await hash.innerText()).length, 12);
    assert.match((await hash.getAttribute('title')) ?? '', /^[0-9a-f]{64}$/);
    await page.getByText(`npm run ledger -- verify-record record-${id}.json`).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-record.png'), fullPage: true });

    // The download is the API's answer as it came.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download JSON' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `record-${id}.json`);
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      onboardingId: string;
      entries: unknown[];
    };
    assert.equal(saved.onboardingId, id);
    assert.deepEqual(saved.entries, expected.entries);

    // On paper: no bar, buttons or links; full hashes.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.bar').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false);
    assert.equal(await page.getByRole('link', { name: 'Download JSON' }).isVisible(), false);
    assert.equal((await hash.innerText()).length, 64);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-record-print.png'), fullPage: true });
  });
});

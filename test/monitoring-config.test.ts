/**
 * The compose set-up's monitoring, checked with Prometheus's own promtool (found or built by
 * `npm test`): the alert rules and their unit tests, the scrape configuration, and the Grafana
 * dashboard (valid JSON, its data source provisioned, every query valid PromQL).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { findPromtool } from '../dev/promtool';
import { dashboardQueries, type Panel } from './helpers/monitoring';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const prometheusDir = path.join(root, 'deploy', 'prometheus');
const grafanaDir = path.join(root, 'deploy', 'grafana');

function promtool(): string {
  const found = findPromtool();
  assert.ok(found, 'no promtool: npm test builds one (PROMTOOL_PATH, or Go to build it)');
  return found;
}

describe('monitoring configuration', () => {
  it('has alert rules promtool accepts, and their unit tests pass', async () => {
    const checked = await run(promtool(), ['check', 'rules', path.join(prometheusDir, 'alerts.yml')]);
    assert.match(checked.stdout, /SUCCESS: 7 rules found/);
    const tested = await run(promtool(), ['test', 'rules', path.join(prometheusDir, 'alerts.test.yml')]);
    assert.match(tested.stdout, /SUCCESS/);
  });

  it('has a scrape configuration promtool accepts', async () => {
    const checked = await run(promtool(), [
      'check',
      'config',
      '--syntax-only',
      path.join(prometheusDir, 'prometheus.yml'),
    ]);
    assert.match(checked.stdout, /SUCCESS/);
  });

  it('has a dashboard on the provisioned data source whose every query is valid PromQL', async () => {
    const dashboard = JSON.parse(readFileSync(path.join(grafanaDir, 'dashboards', 'kyc-onboarding.json'), 'utf8')) as {
      uid: string;
      panels: Panel[];
    };
    const datasources = readFileSync(path.join(grafanaDir, 'provisioning', 'datasources', 'prometheus.yml'), 'utf8');
    const uid = /uid:\s*(\S+)/.exec(datasources)?.[1];
    assert.equal(dashboard.uid, 'kyc-onboarding');
    assert.ok(dashboard.panels.length >= 10);
    for (const panel of dashboard.panels) {
      assert.equal(panel.datasource?.uid, uid, `${panel.title}: data source`);
      assert.ok(panel.targets?.length, `${panel.title}: no query`);
    }
    // promtool parses each query as a recording rule's expression.
    const queries = dashboardQueries();
    const dir = mkdtempSync(path.join(tmpdir(), 'kyc-dashboard-'));
    try {
      const file = path.join(dir, 'queries.yml');
      const rules = queries.map(
        (expr, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(expr)}`,
      );
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const checked = await run(promtool(), ['check', 'rules', file]);
      assert.match(checked.stdout, new RegExp(`SUCCESS: ${queries.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

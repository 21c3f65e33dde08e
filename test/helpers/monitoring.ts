/** The Grafana dashboard's queries (deploy/grafana/dashboards/kyc-onboarding.json). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const grafanaDir = path.resolve(__dirname, '..', '..', 'deploy', 'grafana');

export interface Panel {
  title: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
}

export function dashboardQueries(): string[] {
  const dashboard = JSON.parse(readFileSync(path.join(grafanaDir, 'dashboards', 'kyc-onboarding.json'), 'utf8')) as {
    panels: Panel[];
  };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));
}

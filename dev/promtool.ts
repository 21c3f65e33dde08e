/**
 * Prometheus's `promtool`, to check the alert rules and the Prometheus configuration of the
 * compose set-up: `PROMTOOL_PATH`, `promtool` on PATH, this project's cache (`.tools/promtool/`),
 * else built from Prometheus's Go module at the version compose runs. Its go.mod has `replace`
 * directives, which `go install module@version` refuses, so it is built inside the downloaded module.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { goBinary, goRun, isExecutable, onPath } from './go-install';

/** prom/prometheus:v3.5.0 (docker-compose.yml) is the Go module's v0.305.0. */
export const PROMETHEUS_MODULE = 'github.com/prometheus/prometheus@v0.305.0';

const cached = path.resolve(__dirname, '..', '.tools', 'promtool', 'promtool');

export function findPromtool(): string | undefined {
  const configured = process.env.PROMTOOL_PATH;
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`PROMTOOL_PATH=${configured} is not an executable file`);
    return configured;
  }
  return onPath('promtool') ?? (isExecutable(cached) ? cached : undefined);
}

export async function findOrBuildPromtool(log?: (line: string) => void): Promise<string | undefined> {
  const found = findPromtool();
  if (found) return found;
  const go = goBinary();
  if (!go) return undefined;
  const download = JSON.parse(
    execFileSync(go, ['mod', 'download', '-json', PROMETHEUS_MODULE], { encoding: 'utf8' }),
  ) as { Dir?: string; Error?: string };
  if (!download.Dir) throw new Error(`go mod download ${PROMETHEUS_MODULE}: ${download.Error ?? 'no directory'}`);
  const built = await goRun(
    ['build', '-o', cached, './cmd/promtool'],
    { cwd: download.Dir },
    `promtool (${PROMETHEUS_MODULE}) into ${path.relative(process.cwd(), path.dirname(cached))}`,
    log,
  );
  return built && isExecutable(cached) ? cached : undefined;
}

if (require.main === module) {
  void findOrBuildPromtool().then((promtool) => {
    if (!promtool) {
      console.error('No promtool and no Go toolchain to build it.');
      process.exit(1);
    }
    console.log(promtool);
  });
}

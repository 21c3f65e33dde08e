/**
 * A second worker started on a host where another holds the metrics port (the default
 * `0.0.0.0:9464`, say) stops at once and says which setting to change, before it connects anywhere.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { PAYLOAD_CODEC_KEYS, REVIEW_ASSERTION_KEYS } from '../system/in-process-credentials';
import { spawnNodeService } from './helpers/processes';

describe('the worker metrics address', () => {
  it('a worker whose metrics port is taken exits naming WORKER_METRICS_ADDRESS', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const worker = spawnNodeService('worker/main.ts', {
        COMPLYCUBE_API_KEY: 'test_metrics_port_key',
        REVIEW_ASSERTION_KEYS,
        PAYLOAD_CODEC_KEYS,
        WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
        // Nothing listens here: the worker must stop before it tries.
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      });
      const timeout = setTimeout(() => void worker.kill(), 60_000);
      await worker.exited;
      clearTimeout(timeout);
      assert.equal(worker.child.exitCode, 1, worker.output());
      assert.match(
        worker.output(),
        new RegExp(`WORKER_METRICS_ADDRESS: cannot serve metrics on 127\\.0\\.0\\.1:${port} \\(Address already in use`),
      );
      assert.match(worker.output(), /give each worker its own, e\.g\. WORKER_METRICS_ADDRESS=127\.0\.0\.1:<free port>/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

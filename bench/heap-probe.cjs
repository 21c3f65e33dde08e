'use strict';
/**
 * The memory comparison's probe (`bench/memory.ts`), loaded into a worker process with
 * `--expose-gc --require` and so into each of its threads, among them the ones that run workflows.
 *
 * Resident memory moves with garbage not yet collected and with pages the allocator has not given
 * back, by as much as a few hundred MiB between two runs of the same bench. The JavaScript heap
 * that is still in use after a full collection does not. On SIGHUP (the SDK stops a worker on
 * SIGUSR2), the main thread asks every thread over a broadcast channel to collect and report its
 * heap in use, adds them up with its own, and prints `heap-probe <count> <bytes> <threads>`.
 */
const { BroadcastChannel, isMainThread, threadId } = require('node:worker_threads');
const v8 = require('node:v8');

const channel = new BroadcastChannel('kyc-bench-heap-probe');
channel.unref();

/** This thread's heap in use after a full collection (twice: the first frees what holds others). */
function heapInUse() {
  globalThis.gc();
  globalThis.gc();
  return v8.getHeapStatistics().used_heap_size;
}

/** How long the threads have to answer: a workflow thread answers between two activations. */
const ANSWER_MS = 3000;

if (isMainThread) {
  let count = 0;
  let answers = new Map();
  channel.onmessage = ({ data }) => {
    if (data.kind === 'heap') answers.set(data.threadId, data.bytes);
  };
  process.on('SIGHUP', () => {
    count += 1;
    const current = count;
    answers = new Map();
    channel.postMessage({ kind: 'measure' });
    const own = heapInUse();
    setTimeout(() => {
      const total = own + [...answers.values()].reduce((sum, bytes) => sum + bytes, 0);
      process.stdout.write(`heap-probe ${current} ${total} ${answers.size + 1}\n`);
    }, ANSWER_MS);
  });
} else {
  channel.onmessage = ({ data }) => {
    if (data.kind === 'measure') channel.postMessage({ kind: 'heap', threadId, bytes: heapInUse() });
  };
}

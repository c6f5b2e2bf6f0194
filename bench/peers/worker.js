// One guard in its own process: `node bench/peers/worker.js JOB.json RESULT.json`. The network
// is blocked before the guard is imported, a warm-up pass runs untimed, then every row is timed
// around the guard's call (await included). A separate process per guard keeps one guard's JIT
// and heap state out of another's timings, and lets the parent kill a guard that hangs.
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout, clearTimeout } from 'node:timers';
import { blockNetwork } from './no-network.js';

const [jobFile, resultFile] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile, 'utf8'));
const attempts = blockNetwork();
const result = { id: job.id, attempts, importAndCreateMs: NaN, warmupRows: 0, truncated: false, fatal: undefined, rows: {} };

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const message = (error) => (error instanceof Error ? error.message : String(error));

try {
  const adapter = await import(new URL(job.module, import.meta.url).href);
  const started = performance.now();
  const check = await withTimeout(adapter.create(job.variant), job.callTimeoutMs * 10);
  result.importAndCreateMs = performance.now() - started;
  const deadline = Date.now() + job.budgetMs;
  for (const row of job.rows.slice(0, job.warmup)) {
    try {
      await withTimeout(check(row), job.callTimeoutMs);
    } catch {
      // The timed pass records the error for this row.
    }
    result.warmupRows += 1;
  }
  for (const row of job.rows) {
    if (Date.now() > deadline) {
      result.truncated = true;
      break;
    }
    const t0 = process.hrtime.bigint();
    try {
      const verdict = await withTimeout(check(row), job.callTimeoutMs);
      result.rows[row.key] = { flagged: verdict.flagged, hits: verdict.hits, us: Number(process.hrtime.bigint() - t0) / 1000 };
    } catch (error) {
      result.rows[row.key] = { error: message(error), us: Number(process.hrtime.bigint() - t0) / 1000 };
    }
  }
} catch (error) {
  result.fatal = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
}
writeFileSync(resultFile, JSON.stringify(result));
// A peer may leave timers or handles open; the result is written, so end here.
process.exit(0);

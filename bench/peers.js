// `npm run bench:peers`: Rampart side by side with offline guard libraries from npm, on the same
// eval files. Prints one markdown table per file (TPR, FPR, latency per prompt) and writes
// .bench-out/peers.json. Each guard runs in its own process with the network blocked
// (bench/peers/worker.js); adapters in bench/peers/ say which checks of each peer are used.
//
//   node bench/peers.js                      held-out split (written by `rampart train --splits`) + XSTest
//   node bench/peers.js --data a.jsonl --data b.jsonl
//   node bench/peers.js --only rampart,vard  --slow-sample 40  --budget-s 300
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { GUARDS, NOT_RUN } from './peers/guards.js';
import { XSTEST, interleave, loadEvalFiles, rowKey, stratifiedSample, writeHeldOutSplit } from './peers/eval-data.js';
import { renderReport, summarize } from './peers/report.js';
import { modelFingerprint } from './peers/rampart.js';

const USAGE = `usage: node bench/peers.js [--data FILE.jsonl]... [--only id,id] [--slow-sample N] [--budget-s S] [--out FILE]
  --data         eval file (repeatable); default: the held-out split plus datasets/public/xstest.jsonl
  --only         guard ids to run: ${GUARDS.map((g) => g.id).join(', ')}
  --slow-sample  rows per label per file for sampled guards (default 15; 0 = every row)
  --budget-s     time budget per guard in seconds (default 300); rows after it are left out
  --out          JSON results (default .bench-out/peers.json)`;

const WARMUP_ROWS = 100;
const CALL_TIMEOUT_MS = 60_000;

function options() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', multiple: true },
      only: { type: 'string' },
      'slow-sample': { type: 'string', default: '15' },
      'budget-s': { type: 'string', default: '300' },
      out: { type: 'string', default: new URL('../.bench-out/peers.json', import.meta.url).pathname },
      help: { type: 'boolean' },
    },
  });
  const slowSample = Number(values['slow-sample']);
  const budgetS = Number(values['budget-s']);
  const only = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = (only ?? []).filter((id) => !GUARDS.some((g) => g.id === id));
  if (values.help || !Number.isInteger(slowSample) || slowSample < 0 || !(budgetS > 0) || unknown.length > 0) {
    if (unknown.length > 0) console.error(`unknown guard id: ${unknown.join(', ')}`);
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  return { data: values.data, guards: GUARDS.filter((g) => only === undefined || only.includes(g.id)), slowSample, budgetMs: budgetS * 1000, out: values.out };
}

/** Runs one guard in a child process; resolves with its result file's contents or a failure. */
function runGuard(job, scratch) {
  const jobFile = join(scratch, `${job.id}.job.json`);
  const resultFile = join(scratch, `${job.id}.result.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  const worker = new URL('./peers/worker.js', import.meta.url).pathname;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, jobFile, resultFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // The worker stops itself at its budget; this only fires when a call never returns.
    const killer = setTimeout(() => child.kill('SIGKILL'), job.budgetMs + 120_000);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      try {
        resolve({ ...JSON.parse(readFileSync(resultFile, 'utf8')), output });
      } catch {
        resolve({ id: job.id, fatal: `worker exited (${signal ?? code}) without a result${signal === 'SIGKILL' ? ': killed after its time budget (a call that never returned)' : ''}`, rows: {}, attempts: [], output });
      }
    });
  });
}

async function main() {
  const opts = options();
  const scratch = mkdtempSync(join(tmpdir(), 'rampart-peers-'));
  const loadAtStart = loadavg()[0];
  try {
    let paths = opts.data;
    let split;
    if (paths === undefined) {
      process.stderr.write('writing the held-out split (rampart train --splits, seeded; model to a temp dir)…\n');
      split = writeHeldOutSplit(join(scratch, 'splits'));
      paths = [split.heldout, XSTEST];
    }
    let files;
    try {
      files = loadEvalFiles(paths);
    } catch (error) {
      console.error(`bench:peers: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
      return;
    }
    const unique = new Map();
    for (const file of files) for (const e of file.examples) unique.set(rowKey(e), { key: rowKey(e), text: e.text, messages: e.messages });

    const results = [];
    for (const guard of opts.guards) {
      const adapter = await import(new URL(`./peers/${guard.module.slice(2)}`, import.meta.url).href);
      const description = adapter.describe(guard.variant);
      const sampled = guard.sampled === true && opts.slowSample > 0;
      // Each file is scored on its own sample only, even where another file's sample overlaps it.
      const sampleLists = sampled ? files.map((f) => stratifiedSample(f.examples, opts.slowSample).map(rowKey)) : undefined;
      const samples = sampleLists?.map((list) => new Set(list));
      const keys = sampleLists === undefined ? [...unique.keys()] : [...new Set(interleave(sampleLists))];
      const rows = keys.map((k) => unique.get(k));
      const warmup = sampled ? 2 : Math.min(WARMUP_ROWS, rows.length);
      process.stderr.write(`${guard.id}: ${rows.length.toLocaleString('en-US')} distinct inputs${sampled ? ' (sample)' : ''}, ${warmup} warm-up… `);
      const started = Date.now();
      const outcome = await runGuard({ id: guard.id, module: guard.module, variant: guard.variant, rows, warmup, budgetMs: opts.budgetMs, callTimeoutMs: CALL_TIMEOUT_MS }, scratch);
      process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s${outcome.fatal === undefined ? '' : ' FAILED'}\n`);
      results.push({ guard, description, sampled, samples, outcome: { ...outcome, wallS: (Date.now() - started) / 1000 } });
    }

    const report = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'cpu', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg1mAtStart: loadAtStart, loadavg1mAtEnd: loadavg()[0] },
      settings: { warmupRows: WARMUP_ROWS, slowSamplePerLabel: opts.slowSample, budgetS: opts.budgetMs / 1000, callTimeoutMs: CALL_TIMEOUT_MS },
      rampartModel: modelFingerprint(),
      heldOutSplit: split === undefined ? undefined : { sameModelAsShipped: split.sameModel, sameDataAsShipped: split.sameData },
      files: files.map((f) => ({ path: f.path, name: f.name, sha256: f.sha256, rows: f.examples.length })),
      notRun: NOT_RUN,
      guards: results.map(({ guard, description, sampled, samples, outcome }) => ({
        id: guard.id,
        label: guard.label,
        ...description,
        sampled,
        wallS: outcome.wallS,
        importAndCreateMs: outcome.importAndCreateMs,
        truncated: outcome.truncated === true,
        warmupRows: outcome.warmupRows,
        fatal: outcome.fatal,
        networkAttempts: outcome.attempts,
        output: outcome.fatal === undefined ? undefined : outcome.output,
        perFile: Object.fromEntries(
          files.map((f, i) => {
            const scored = samples === undefined ? f.examples : f.examples.filter((e) => samples[i]?.has(rowKey(e)));
            return [f.name, outcome.fatal === undefined ? summarize(scored, outcome.rows) : undefined];
          }),
        ),
      })),
    };

    // Every guard scored on the sampled guard's rows too, so its figures have a like-for-like column.
    // Only the sampled rows the sampled guard answered (its budget may have cut the run short).
    const sampledRun = results.find((r) => r.samples !== undefined);
    const sampleSets = sampledRun?.samples.map((set) => new Set([...set].filter((k) => sampledRun.outcome.rows[k] !== undefined)));
    if (sampleSets !== undefined) {
      for (const g of report.guards) {
        const outcome = results.find((r) => r.guard.id === g.id)?.outcome;
        g.perFileOnSample = Object.fromEntries(
          files.map((f, i) => [f.name, g.fatal === undefined && outcome !== undefined ? summarize(f.examples.filter((e) => sampleSets[i]?.has(rowKey(e))), outcome.rows) : undefined]),
        );
      }
    }

    console.log(renderReport(report));
    const out = resolve(opts.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`raw results: ${out}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();

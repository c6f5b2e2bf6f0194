import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { trainFromTree } from '@rampart/core';
import { writeLine, type CliIo, type ExitCode } from '../cli-io.js';

/**
 * `rampart train`: trains the classifier from every `.jsonl` under `--data` and writes the model
 * and a report (figures on the held-out split, the split's row ids). Seeded: the same data and
 * seed write the same model bytes.
 */
export async function trainCommand(io: CliIo, opts: { data: string; vectors: string; out: string; report?: string; seed?: string; splits?: string }): Promise<ExitCode> {
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !Number.isInteger(seed)) {
    writeLine(io.stderr, `rampart train: --seed must be an integer, got ${opts.seed}`);
    return 2;
  }
  const started = performance.now();
  const { bytes, report, splits } = trainFromTree({ dataRoot: resolve(opts.data), vectorsPath: resolve(opts.vectors), ...(seed === undefined ? {} : { seed }) });
  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  const reportPath = resolve(opts.report ?? out.replace(/\.bin$/, '') + '.report.json');
  const ids = Object.fromEntries(Object.entries(splits).map(([split, rows]) => [split, rows.map((e) => e.id)]));
  writeFileSync(reportPath, `${JSON.stringify({ ...report, splits: ids }, null, 1)}\n`);
  const h = report.heldout;
  writeLine(io.stdout, `model: ${out} (${(bytes.length / 2 ** 20).toFixed(1)} MiB, sha256 ${report.modelSha256})`);
  writeLine(io.stdout, `rows: train ${JSON.stringify(report.counts.train)}, calibration ${JSON.stringify(report.counts.calibration)}, held-out ${JSON.stringify(report.counts.heldout)}`);
  writeLine(io.stdout, `held-out (classifier alone): AUROC ${h.auroc.toFixed(4)}, TPR@1%FPR ${h.tprAtFpr1.toFixed(3)}, TPR@5%FPR ${h.tprAtFpr5.toFixed(3)}, ECE ${h.ece.toFixed(3)}`);
  writeLine(io.stdout, `report: ${reportPath}; ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (opts.splits !== undefined) {
    // Each split as eval-ready JSON Lines, so every figure can be re-measured with `rampart eval`.
    const dir = resolve(opts.splits);
    mkdirSync(dir, { recursive: true });
    for (const [split, rows] of Object.entries(splits)) {
      const lines = rows.map((e) =>
        JSON.stringify({ id: e.id, ...(e.messages === undefined ? { text: e.text } : { messages: e.messages }), label: e.label, category: e.category, source: e.source }),
      );
      writeFileSync(join(dir, `${split}.jsonl`), `${lines.join('\n')}\n`);
    }
    writeLine(io.stdout, `splits: ${dir}/{train,calibration,heldout}.jsonl`);
  }
  return 0;
}

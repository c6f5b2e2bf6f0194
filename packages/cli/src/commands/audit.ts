import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { UserError, verifyAuditLog } from '@rampart/core';
import { auditKeyFile, loadAuditPublicKey, openStore } from '@rampart/server';
import { loadCliConfig, type GlobalOptions } from '../cli-config.js';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';

/** `rampart audit verify`: exit 0 on an intact log; 1 naming the first bad record otherwise. */
export async function auditVerifyCommand(io: CliIo, global: GlobalOptions, opts: { pub?: string; json?: boolean }): Promise<ExitCode> {
  const { config } = loadCliConfig(io, global);
  const publicKey = loadAuditPublicKey(opts.pub ?? `${auditKeyFile(config)}.pub`);
  const store = await openStore(config.store, config.dataDir);
  try {
    const report = await verifyAuditLog(store, publicKey);
    if (opts.json === true) writeJson(io.stdout, report);
    else if (report.ok) {
      writeLine(io.stdout, `audit log intact: ${report.rows} records, ${report.checkpoints} signed checkpoints, head #${report.headSeq} ${report.headHash}`);
      if (report.checkpointedSeq < report.headSeq) {
        // The chain proves order, but only a signed checkpoint proves the tail was not rewritten.
        writeLine(io.stderr, `note: records after #${report.checkpointedSeq} are not yet covered by a signed checkpoint (one is written every audit.checkpointEvery records and at shutdown).`);
      }
    } else {
      const first = report.problems[0];
      writeLine(io.stderr, `audit log TAMPERED: first bad record #${first?.seq}: ${first?.kind}: ${first?.message}`);
      for (const problem of report.problems.slice(1, 20)) writeLine(io.stderr, `  also #${problem.seq}: ${problem.kind}: ${problem.message}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

/** `rampart audit export [--since ISO]`: one JSON object per record, oldest first. */
export async function auditExportCommand(io: CliIo, global: GlobalOptions, opts: { since?: string; out?: string }): Promise<ExitCode> {
  const since = opts.since === undefined ? undefined : Date.parse(opts.since);
  if (since !== undefined && Number.isNaN(since)) throw new UserError('RAMPART_E_CLI_USAGE', `--since must be an ISO-8601 time, got '${opts.since}'.`);
  const { config } = loadCliConfig(io, global);
  const store = await openStore(config.store, config.dataDir);
  const out = opts.out === undefined ? io.stdout : createWriteStream(opts.out, { flags: 'w' });
  try {
    let after = 0;
    for (;;) {
      const rows = await store.readAudit(after, 1000);
      if (rows.length === 0) break;
      for (const row of rows) {
        const record = JSON.parse(row.body) as { time?: string };
        if (since !== undefined && (record.time === undefined || Date.parse(record.time) < since)) continue;
        if (!out.write(`${JSON.stringify({ seq: row.seq, hash: row.hash, prevHash: row.prevHash, record })}\n`)) await once(out, 'drain');
      }
      after = rows[rows.length - 1]?.seq ?? after;
    }
  } finally {
    await store.close();
    if (out !== io.stdout) {
      (out as NodeJS.WritableStream & { end(cb: () => void): void }).end(() => undefined);
      await once(out, 'finish').catch(() => undefined);
    }
  }
  return 0;
}

import { Command, CommanderError, Option } from 'commander';
import { toRampartError } from '@rampart/core';
import { writeLine, type CliIo } from './cli-io.js';
import { VERSION } from './version.js';
import type { ScanDataOptions } from './commands/scan-data-options.js';


/**
 * Builds the command tree and runs it. Heavy modules are imported inside each action so
 * `rampart --help` starts fast. This is the one error boundary: every throw becomes a message
 * on stderr and an exit code (2 for the user's fault, 1 otherwise); nothing calls process.exit.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('rampart')
    .description('Rampart: defense-in-depth safeguards for LLM deployments')
    .version(VERSION)
    .option('-c, --config <file>', 'config file (default: $RAMPART_CONFIG or ./rampart.yaml)')
    // Global options go before the command, so a command may have its own `--version`
    // (`rampart bom PATH --version 1.2.0` is the model's version, not Rampart's).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('serve')
    .description('run the gateway (with a built-in demo upstream when no upstream is configured)')
    .option('-p, --port <port>', 'listen port (overrides RAMPART_PORT and server.port)')
    .action(async (opts: { port?: string }) => {
      const { serveCommand } = await import('./commands/serve.js');
      setExit(await serveCommand(io, { config: program.opts<{ config?: string }>().config, port: opts.port }));
    });

  program
    .command('demo-upstream')
    .description('run only the built-in demo model server (OpenAI-compatible, deterministic)')
    .option('-p, --port <port>', 'listen port', '0')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const { demoUpstreamCommand } = await import('./commands/demo-upstream.js');
      setExit(await demoUpstreamCommand(io, opts));
    });

  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create a key; the secret is printed once')
    .requiredOption('--name <name>', 'who the key is for')
    .addOption(new Option('--tier <tier>', 'trust tier').choices(['anonymous', 'standard', 'verified-security', 'internal']).makeOptionMandatory())
    .option('--scopes <list>', 'comma-separated scopes: chat, review, admin', 'chat')
    .option('--org <organization>', 'organization the principal belongs to')
    .option('--models <list>', 'comma-separated model allow-list')
    .option('--expires <iso>', 'expiry time (ISO-8601)')
    .option('--hold-for-review', 'hold every request of this principal for manual approval')
    .option('--shadow', 'decide and log, but serve this key as allow')
    .option('--json', 'print JSON (field `key` holds the secret)')
    .action(async (opts) => {
      const { keysCreateCommand } = await import('./commands/keys.js');
      setExit(await keysCreateCommand(io, program.opts(), opts));
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { keysListCommand } = await import('./commands/keys.js');
      setExit(await keysListCommand(io, program.opts(), opts));
    });
  keys
    .command('revoke <id>')
    .description('revoke a key by id (takes effect in a running gateway within auth.keyCacheTtlMs)')
    .action(async (id: string) => {
      const { keysRevokeCommand } = await import('./commands/keys.js');
      setExit(await keysRevokeCommand(io, program.opts(), id));
    });

  program
    .command('check <text>')
    .description('run the input pipeline and policy offline on TEXT and print the decision')
    .addOption(new Option('--tier <tier>', 'principal tier').choices(['anonymous', 'standard', 'verified-security', 'internal']).default('standard'))
    .option('--purpose <purpose>', 'declared purpose (as the x-rampart-purpose header)')
    .option('--json', 'print JSON')
    .action(async (text: string, opts) => {
      const { checkCommand } = await import('./commands/check.js');
      setExit(await checkCommand(io, { global: program.opts(), text, opts }));
    });

  program
    .command('eval')
    .description('run labeled prompts through the pipeline and policy (standard caller) and report TPR, FPR, AUROC, latency')
    .requiredOption('--data <file>', 'JSON Lines: {"text" or "messages", "label": "malicious"|"benign", "category"}')
    .option('--json', 'print one JSON object')
    .action(async (opts: { data: string; json?: boolean }) => {
      const { evalCommand } = await import('./commands/eval.js');
      setExit(await evalCommand(io, { global: program.opts(), opts }));
    });

  program
    .command('train')
    .description('train the request classifier from labeled JSON Lines (seeded, reproducible)')
    .option('--data <dir>', 'folder of .jsonl files, searched recursively', 'datasets')
    .option('--vectors <file>', 'pruned word vectors (scripts/prune-embeddings.mjs)', 'datasets/embeddings/wink-sg-100d-pruned.bin')
    .option('--out <file>', 'model file to write', 'packages/core/models/classifier.bin')
    .option('--report <file>', 'report to write (default: next to the model)')
    .option('--seed <n>', 'random seed')
    .option('--splits <dir>', 'also write each split as eval-ready JSON Lines into DIR')
    .action(async (opts: { data: string; vectors: string; out: string; report?: string; seed?: string; splits?: string }) => {
      const { trainCommand } = await import('./commands/train.js');
      setExit(await trainCommand(io, opts));
    });

  // Assurance tools (issue 4): supply-chain integrity and training-data scanning.
  program
    .command('keygen')
    .description('write a signing key pair (signing.key, signing.pub; PEM) into DIR')
    .requiredOption('--out <dir>', 'folder to write the key pair into')
    .addOption(new Option('--alg <alg>', 'signature algorithm').choices(['ed25519', 'p256']).default('ed25519'))
    .option('--force', 'overwrite an existing key pair')
    .action(async (opts: { out: string; alg: 'ed25519' | 'p256'; force?: boolean }) => {
      const { keygenCommand } = await import('./commands/keygen.js');
      setExit(await keygenCommand(io, opts));
    });

  program
    .command('sign <path>')
    .description('hash every file of a model folder or dataset and write a signed manifest (DSSE envelope, in-toto statement)')
    .requiredOption('--key <file>', 'private key (PEM), from rampart keygen')
    .requiredOption('--out <file>', 'signature bundle to write')
    .option('--json', 'print JSON')
    .action(async (path: string, opts: { key: string; out: string; json?: boolean }) => {
      const { signCommand } = await import('./commands/sign.js');
      setExit(await signCommand(io, { path, opts }));
    });

  program
    .command('verify <path>')
    .description('check a model folder or dataset against a signed manifest; non-zero exit names each changed file')
    .requiredOption('--sig <file>', 'signature bundle from rampart sign')
    .requiredOption('--pub <file>', 'public key (PEM)')
    .option('--json', 'print JSON')
    .action(async (path: string, opts: { sig: string; pub: string; json?: boolean }) => {
      const { verifyCommand } = await import('./commands/verify.js');
      setExit(await verifyCommand(io, { path, opts }));
    });

  program
    .command('scan-model <path>')
    .description('scan model files for unsafe serialization (pickle, safetensors, ONNX, Keras, GGUF) without loading them; exit code by highest severity')
    .option('--json', 'print JSON')
    .option('--sarif', 'print SARIF 2.1.0')
    .action(async (path: string, opts: { json?: boolean; sarif?: boolean }) => {
      const { scanModelCommand } = await import('./commands/scan-model.js');
      setExit(await scanModelCommand(io, { path, opts }));
    });

  program
    .command('bom <path>')
    .description('write a CycloneDX 1.6 ML-BOM for a model folder or file')
    .requiredOption('--name <name>', 'model name')
    .requiredOption('--version <version>', 'model version')
    .option('--model-card <file>', 'model card facts (YAML or JSON): datasets, metrics, limitations')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (path: string, opts: { name: string; version: string; modelCard?: string; out?: string }) => {
      const { bomCommand } = await import('./commands/bom.js');
      setExit(await bomCommand(io, { path, opts }));
    });

  program
    .command('scan-data <file>')
    .description('scan a JSONL or CSV training set for poisoning: duplicates, label conflicts, backdoor triggers, injected instructions, secrets, outliers')
    .option('--text-field <field>', 'field holding the text (default: text, prompt or messages)')
    .option('--label-field <field>', 'field holding the label', 'label')
    .option('--baseline <file>', 'earlier accepted data: also check distribution shift (continual-learning gate)')
    .option('--json', 'print JSON')
    .option('--out-clean <file>', 'write rows with no finding')
    .option('--out-quarantine <file>', 'write flagged rows with their original fields plus `reasons`')
    .option('--report <file>', 'write an HTML report')
    .action(async (file: string, opts: ScanDataOptions) => {
      const { scanDataCommand } = await import('./commands/scan-data.js');
      setExit(await scanDataCommand(io, { file, opts }));
    });

  const policy = program.command('policy').description('policy tools');
  policy
    .command('test <file>')
    .description('run policy test cases (input + context -> expected action)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { policyTestCommand } = await import('./commands/policy-test.js');
      setExit(await policyTestCommand(io, { global: program.opts(), file, opts }));
    });

  const audit = program.command('audit').description('audit log tools');
  audit
    .command('verify')
    .description('verify the hash chain and signed checkpoints; non-zero exit names the first bad record')
    .option('--pub <file>', 'public key (default: the audit signing key next to the data dir)')
    .option('--json', 'print JSON')
    .action(async (opts: { pub?: string; json?: boolean }) => {
      const { auditVerifyCommand } = await import('./commands/audit.js');
      setExit(await auditVerifyCommand(io, program.opts(), opts));
    });
  audit
    .command('export')
    .description('write the audit log as JSONL')
    .option('--since <time>', 'only records at or after this ISO-8601 time')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { since?: string; out?: string }) => {
      const { auditExportCommand } = await import('./commands/audit.js');
      setExit(await auditExportCommand(io, program.opts(), opts));
    });

  try {
    await program.parseAsync(argv);
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return thrown.exitCode === 0 ? 0 : 2;
    }
    const error = toRampartError(thrown);
    writeLine(io.stderr, `rampart: ${error.toOpenAIError().error.message} [${error.code}]`);
    return error.fault === 'user' ? 2 : 1;
  }
  return exitCode;
}

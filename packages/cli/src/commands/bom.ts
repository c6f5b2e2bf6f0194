import { buildMlBom, loadModelCardSpec } from '@rampart/assurance';
import { writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { writeOutAtomically } from '../option-files.js';

/**
 * `rampart bom PATH --name N --version V [--model-card FILE] [--out FILE]`: writes a CycloneDX
 * 1.6 ML-BOM (JSON) for a model folder or file to stdout or FILE. Warnings (a classifier report
 * that describes another model...) go to stderr so stdout stays pure JSON.
 */
export async function bomCommand(io: CliIo, args: { path: string; opts: { name: string; version: string; modelCard?: string; out?: string } }): Promise<ExitCode> {
  const { path, opts } = args;
  const modelCard = opts.modelCard === undefined ? undefined : await loadModelCardSpec(opts.modelCard);
  const result = await buildMlBom({
    path,
    name: opts.name,
    version: opts.version,
    ...(modelCard === undefined ? {} : { modelCard }),
    // A BOM written into the model folder must not list its previous version.
    ...(opts.out === undefined ? {} : { excludeFiles: [opts.out] }),
  });
  for (const warning of result.warnings) writeLine(io.stderr, `warning: ${warning}`);
  const text = `${JSON.stringify(result.bom, null, 2)}\n`;
  if (opts.out === undefined) {
    io.stdout.write(text);
    return 0;
  }
  await writeOutAtomically(opts.out, text);
  const source = result.classifierReport === undefined ? '' : ` (from ${result.classifierReport})`;
  writeLine(io.stdout, `wrote ${opts.out}: CycloneDX 1.6 ML-BOM of ${opts.name} ${opts.version}, ${result.files} files, ${result.datasets} datasets, ${result.metrics} metrics${source}`);
  return 0;
}


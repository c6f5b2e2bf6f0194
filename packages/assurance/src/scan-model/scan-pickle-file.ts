import type { ByteSource } from './byte-source.js';
import type { Finding } from './finding.js';
import type { FormatScan, ScanContext } from './format-scan.js';
import { qualifiedImport } from './import-policy.js';
import { JOBLIB_WRAPPERS } from './joblib-array.js';
import { ModelParseError, parseErrorFinding } from './model-parse-error.js';
import { scanPickleStream } from './pickle-vm.js';
import type { PickleValue } from './pickle-value.js';

/** The first pickle of a legacy (pre-1.6, non-zip) torch.save file is this number. */
const TORCH_LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
/** magic, protocol version, sys_info, the object, the storage keys; raw storage bytes follow. */
const TORCH_LEGACY_PICKLES = 5;

/**
 * Scans a stream of pickles: every pickle until the end of the data (files may concatenate
 * several), a legacy PyTorch file's five pickles (its raw storage data follows them), or a
 * joblib file (arrays inline). The first pickle failing to parse makes the file unparsed; junk
 * after complete pickles is a `pickle-trailing-data` finding.
 *
 * @example
 * scanPickleSource(bufferSource(bytes), ctx) // { format: 'pickle', parsed: true, findings: [...] }
 */
export function scanPickleSource(source: ByteSource, ctx: ScanContext): FormatScan {
  const findings: Finding[] = [];
  if (source.size === 0) return { format: 'pickle', parsed: false, findings: [parseErrorFinding(new ModelParseError('empty file', 0), 'pickle')] };
  let format: FormatScan['format'] = 'pickle';
  let parsed = true;
  let expected = Number.POSITIVE_INFINITY;
  let pos = 0;
  let complete = 0;
  for (let index = 0; pos < source.size && index < expected; index++) {
    if (index >= ctx.limits.maxPicklesPerStream) {
      findings.push({ severity: 'low', rule: 'pickle-trailing-data', message: `more than ${ctx.limits.maxPicklesPerStream} pickles in one stream: the rest was not scanned`, offset: pos });
      break;
    }
    const result = scanPickleStream(source, { limits: ctx.limits, start: pos });
    findings.push(...result.findings);
    if (format === 'pickle' && result.imports.some((i) => JOBLIB_WRAPPERS.has(qualifiedImport(i.module, i.name)))) format = 'joblib';
    if (!result.complete) {
      const error = result.error ?? new ModelParseError('truncated', result.end);
      if (index === 0 || format === 'pytorch-legacy') {
        parsed = false;
        findings.push(parseErrorFinding(error, index === 0 ? 'pickle' : `pickle ${index + 1} of a legacy PyTorch file`));
      } else {
        findings.push({ severity: 'low', rule: 'pickle-trailing-data', message: `bytes after the pickle that ends at offset ${pos} are not a pickle (${error.message})`, offset: pos });
      }
      break;
    }
    if (index === 0 && isLegacyTorchMagic(result.result)) {
      format = 'pytorch-legacy';
      expected = TORCH_LEGACY_PICKLES;
    }
    pos = result.end;
    complete += 1;
  }
  if (parsed && format === 'pytorch-legacy' && complete < TORCH_LEGACY_PICKLES) {
    parsed = false;
    findings.push(parseErrorFinding(new ModelParseError(`legacy PyTorch file ends after ${complete} of its ${TORCH_LEGACY_PICKLES} pickles`, pos), 'legacy PyTorch file'));
  }
  return { format, parsed, findings };
}

function isLegacyTorchMagic(value: PickleValue | undefined): boolean {
  return value !== undefined && value.t === 'int' && value.n === TORCH_LEGACY_MAGIC;
}

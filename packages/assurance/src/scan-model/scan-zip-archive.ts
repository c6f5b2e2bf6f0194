import { extname, posix } from 'node:path';
import { bufferSource } from './byte-source.js';
import type { Finding, ModelFormat } from './finding.js';
import type { FormatScan, ScanContext } from './format-scan.js';
import { kerasConfigFindings } from './keras-config-findings.js';
import { ModelParseError, parseErrorFinding } from './model-parse-error.js';
import { HIGHEST_PROTOCOL, OP } from './pickle-opcodes.js';
import { scanNpySource } from './scan-npy.js';
import { scanPickleSource } from './scan-pickle-file.js';
import { openZipArchive, type ZipArchive, type ZipMember } from './zip-archive.js';

/** Members are sniffed for a pickle header only in archives up to this many members. */
const MAX_SNIFFED_MEMBERS = 20_000;
/** A member inflating to more than this, at more than RATIO:1, is reported as a likely zip bomb. */
const BOMB_SIZE = 10 << 20;
const BOMB_RATIO = 100;

/**
 * Scans a zip-based model: a PyTorch archive (every `.pkl` member, and any member that starts
 * like a pickle, wherever torch put its folder), a NumPy `.npz` (each `.npy`), or a Keras
 * `.keras` (its config.json). Member names that are absolute, climb with `..`, carry
 * backslashes or control characters, disagree with their Unicode path field, or repeat are
 * findings of their own. Reads stop at the scan limits, so a zip bomb costs only those bytes.
 *
 * @example
 * await scanZipFile('model.pt', ctx) // { format: 'pytorch-zip', parsed: true, findings: [...] }
 */
export async function scanZipFile(path: string, ctx: ScanContext): Promise<FormatScan> {
  let zip: ZipArchive;
  try {
    zip = await openZipArchive(path, { maxMembers: ctx.limits.maxArchiveEntries });
  } catch (thrown) {
    return { format: 'zip', parsed: false, findings: [parseErrorFinding(new ModelParseError(`not a readable zip archive: ${(thrown as Error).message}`, 0), 'zip archive')] };
  }
  try {
    return await new ZipScan(zip, { ctx, ext: extname(path).toLowerCase() }).run();
  } finally {
    zip.close();
  }
}

class ZipScan {
  private readonly findings: Finding[] = [];
  private parsed = true;
  private budget: number;
  private scannedSomething = false;

  constructor(
    private readonly zip: ZipArchive,
    private readonly opts: { ctx: ScanContext; ext: string },
  ) {
    this.budget = opts.ctx.limits.maxArchiveBytes;
  }

  async run(): Promise<FormatScan> {
    const members = this.zip.members;
    const format = flavor(members, this.opts.ext);
    this.checkNames(members);
    if (this.zip.truncated) {
      this.findings.push({ severity: 'medium', rule: 'zip-entry-skipped', message: `archive has more than ${members.length} members: the rest were not scanned` });
      this.parsed = false;
    }
    let torchScript = false;
    for (const member of members) {
      if (member.isDirectory) continue;
      const lower = member.name.toLowerCase();
      if (member.uncompressedSize > BOMB_SIZE && member.uncompressedSize > member.compressedSize * BOMB_RATIO) {
        this.add(member, { severity: 'medium', rule: 'zip-suspicious-ratio', message: `inflates ${member.compressedSize} bytes to ${member.uncompressedSize} (a zip bomb pattern)` });
      }
      if (format === 'keras' && (member.name === 'config.json' || member.name === 'metadata.json')) {
        if (member.name === 'config.json') await this.kerasConfig(member);
      } else if (lower.endsWith('.npy')) {
        await this.required(member, (data) => scanNpySource(bufferSource(data), this.opts.ctx));
      } else if (lower.endsWith('.pkl') || lower.endsWith('.pickle')) {
        await this.required(member, (data) => scanPickleSource(bufferSource(data), this.opts.ctx));
      } else if (/(^|\/)code\/.*\.py$/.test(member.name)) {
        if (!torchScript) this.add(member, { severity: 'info', rule: 'torchscript-code', message: 'TorchScript code: it runs in the TorchScript interpreter when the archive is loaded with torch.jit.load' });
        torchScript = true;
      } else if (members.length <= MAX_SNIFFED_MEMBERS) {
        await this.sniff(member);
      }
    }
    if (format === 'keras' && !members.some((m) => m.name === 'config.json')) {
      this.findings.push({ severity: 'info', rule: 'keras-config-missing', message: '.keras archive without config.json' });
    }
    if (format === 'zip' && !this.scannedSomething) {
      this.findings.push({ severity: 'info', rule: 'unknown-format', message: 'zip archive with no pickle, NumPy or Keras content' });
    }
    return { format, parsed: this.parsed, findings: this.findings };
  }

  private checkNames(members: readonly ZipMember[]): void {
    const seen = new Set<string>();
    for (const member of members) {
      const name = member.name;
      const problems: string[] = [];
      if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) problems.push('absolute path');
      if (name.split(/[\\/]/).includes('..')) problems.push("climbs out with '..'");
      if (name.includes('\\')) problems.push('backslash');
      // eslint-disable-next-line no-control-regex
      if (/[\x00-\x1f\x7f]/.test(name)) problems.push('control character');
      if (member.headerName !== name) problems.push(`Unicode path field says '${name}' but the header says '${member.headerName}'`);
      if (problems.length > 0) {
        this.add(member, { severity: 'high', rule: 'zip-unsafe-entry-name', message: `member name ${JSON.stringify(name)}: ${problems.join(', ')}` });
      }
      const key = posix.normalize(name.replace(/\\/g, '/'));
      if (seen.has(key)) this.add(member, { severity: 'high', rule: 'zip-duplicate-entry', message: `member name ${JSON.stringify(name)} appears more than once: loaders disagree on which copy they read` });
      seen.add(key);
    }
  }

  /** A member the loader reads: failing to read or parse it makes the archive unparsed. */
  private async required(member: ZipMember, scan: (data: Buffer) => FormatScan): Promise<void> {
    const data = await this.read(member, true);
    if (data === null) return;
    this.scannedSomething = true;
    const result = scan(data);
    if (!result.parsed) this.parsed = false;
    for (const finding of result.findings) this.add(member, finding);
  }

  /** Any other member that starts like a pickle (torch may rename data.pkl's folder). */
  private async sniff(member: ZipMember): Promise<void> {
    if (member.uncompressedSize < 2) return;
    const head = await this.read(member, false, 2);
    if (head === null || head[0] !== OP.PROTO || (head[1] as number) > HIGHEST_PROTOCOL) return;
    const data = await this.read(member, false);
    if (data === null) return;
    this.scannedSomething = true;
    const result = scanPickleSource(bufferSource(data), this.opts.ctx);
    // Raw tensor bytes can start with 0x80 by chance: a failed parse keeps only serious findings.
    for (const finding of result.findings) if (result.parsed || finding.severity === 'critical' || finding.severity === 'high') this.add(member, finding);
  }

  private async kerasConfig(member: ZipMember): Promise<void> {
    const data = await this.read(member, true);
    if (data === null) return;
    this.scannedSomething = true;
    let config: unknown;
    try {
      config = JSON.parse(data.toString('utf8'));
    } catch (thrown) {
      this.parsed = false;
      this.add(member, parseErrorFinding(new ModelParseError(`config.json is not valid JSON: ${(thrown as Error).message}`, 0), 'Keras config'));
      return;
    }
    for (const finding of kerasConfigFindings(config, 0)) this.add(member, finding);
  }

  private async read(member: ZipMember, required: boolean, head?: number): Promise<Buffer | null> {
    const limit = head ?? this.opts.ctx.limits.maxEntryBytes;
    if (head === undefined && (member.uncompressedSize > limit || member.uncompressedSize > this.budget)) {
      this.add(member, { severity: 'medium', rule: 'zip-entry-skipped', message: `member of ${member.uncompressedSize} bytes is over the scan limit: not scanned` });
      if (required) this.parsed = false;
      return null;
    }
    try {
      const { data, complete } = await this.zip.read(member, Math.min(limit, this.budget));
      this.budget -= data.length;
      if (head === undefined && !complete) throw new Error('member is larger than its declared size');
      return data;
    } catch (thrown) {
      this.parsed = false;
      this.add(member, parseErrorFinding(new ModelParseError(`member could not be read: ${(thrown as Error).message}`, 0), 'zip member'));
      return null;
    }
  }

  private add(member: ZipMember, finding: Finding): void {
    this.findings.push({ ...finding, entry: member.name });
  }
}

function flavor(members: readonly ZipMember[], ext: string): ModelFormat {
  const names = new Set(members.map((m) => m.name));
  if (names.has('config.json') && (ext === '.keras' || names.has('metadata.json') || names.has('model.weights.h5'))) return 'keras';
  if (members.some((m) => [m.name, m.headerName].some((n) => n === 'data.pkl' || n.endsWith('/data.pkl')))) return 'pytorch-zip';
  if (ext === '.npz' || (members.length > 0 && members.every((m) => m.isDirectory || m.name.toLowerCase().endsWith('.npy')))) return 'npz';
  if (ext === '.keras') return 'keras';
  return 'zip';
}

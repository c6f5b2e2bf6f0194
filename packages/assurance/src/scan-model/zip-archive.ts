import yauzl from 'yauzl';

/** One member of a zip archive, named as the central directory names it. */
export interface ZipMember {
  /** The name a loader sees (the Info-ZIP Unicode path field wins when present, as in yauzl). */
  readonly name: string;
  /** The name in the header itself; differs from `name` only in crafted archives. */
  readonly headerName: string;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly isDirectory: boolean;
  readonly entry: yauzl.Entry;
}

export interface ZipArchive {
  readonly members: readonly ZipMember[];
  /** True when the archive has more members than were listed (the scan limit). */
  readonly truncated: boolean;
  /** Up to `maxBytes` of a member's content; `complete` is false when it was longer. */
  read(member: ZipMember, maxBytes: number): Promise<{ data: Buffer; complete: boolean }>;
  close(): void;
}

/**
 * Opens a zip archive lazily with yauzl: the central directory is listed, nothing is inflated
 * until `read` asks, and `read` stops inflating at its byte limit (zip bombs cost only that).
 * Names are taken raw (no yauzl name validation) so that `../evil.pkl` is reported, not hidden
 * behind an error.
 *
 * @example
 * const zip = await openZipArchive('model.pt', { maxMembers: 100_000 });
 * try { for (const m of zip.members) ... } finally { zip.close(); }
 */
export async function openZipArchive(path: string, options: { maxMembers: number }): Promise<ZipArchive> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, file) => (err ? reject(err) : resolve(file)));
  });
  try {
    const { members, truncated } = await listMembers(zip, options.maxMembers);
    return { members, truncated, read: (member, maxBytes) => readMember(zip, { member, maxBytes }), close: () => zip.close() };
  } catch (thrown) {
    zip.close();
    throw thrown;
  }
}

function listMembers(zip: yauzl.ZipFile, max: number): Promise<{ members: ZipMember[]; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const members: ZipMember[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      const raw = entry.fileNameRaw;
      const headerName = raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
      members.push({ name, headerName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, isDirectory: name.endsWith('/'), entry });
      if (members.length >= max) resolve({ members, truncated: zip.entryCount > max });
      else zip.readEntry();
    });
    zip.on('end', () => resolve({ members, truncated: false }));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function readMember(zip: yauzl.ZipFile, what: { member: ZipMember; maxBytes: number }): Promise<{ data: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(what.member.entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      let total = 0;
      let done = false;
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        chunks.push(chunk);
        total += chunk.length;
        if (total >= what.maxBytes) {
          done = true;
          stream.destroy();
          const data = Buffer.concat(chunks).subarray(0, what.maxBytes);
          resolve({ data, complete: total === what.maxBytes && what.member.uncompressedSize === what.maxBytes });
        }
      });
      stream.on('end', () => {
        if (!done) resolve({ data: Buffer.concat(chunks), complete: true });
      });
      stream.on('error', (error: Error) => {
        if (!done) reject(error);
      });
    });
  });
}

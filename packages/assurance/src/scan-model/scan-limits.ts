/**
 * Bounds that keep a hostile file from hanging the scanner or exhausting memory. Reaching one is
 * reported as a `parse-error` finding (the file counts as not parsed), never as a crash.
 */
export interface ScanLimits {
  /** Opcodes executed per pickle stream. */
  readonly maxPickleOpcodes: number;
  /** Values held on the pickle stack and mark stack together. */
  readonly maxPickleStack: number;
  /** Entries in the pickle memo. */
  readonly maxPickleMemo: number;
  /** Pickles inside pickles (bytes that are pickles, joblib inline arrays). */
  readonly maxNestedDepth: number;
  /** Pickles concatenated in one stream. */
  readonly maxPicklesPerStream: number;
  /** Characters kept of one pickled string (longer ones are skipped, not read). */
  readonly maxStringChars: number;
  /** Bytes read from one archive entry, or decompressed from one compressed stream. */
  readonly maxEntryBytes: number;
  /** Bytes read from one archive in all. */
  readonly maxArchiveBytes: number;
  /** Entries listed in one archive. */
  readonly maxArchiveEntries: number;
  /** Safetensors JSON header (the reference implementation refuses more than 100 MB). */
  readonly maxSafetensorsHeader: number;
  /** Bytes searched for the Keras JSON in a legacy HDF5 file. */
  readonly maxH5SearchBytes: number;
  /** Files scanned under one folder. */
  readonly maxFiles: number;
}

export const DEFAULT_LIMITS: ScanLimits = Object.freeze({
  maxPickleOpcodes: 50_000_000,
  maxPickleStack: 5_000_000,
  maxPickleMemo: 5_000_000,
  maxNestedDepth: 4,
  maxPicklesPerStream: 1000,
  maxStringChars: 16 << 20,
  maxEntryBytes: 1 << 30,
  maxArchiveBytes: 4 * (1 << 30),
  maxArchiveEntries: 200_000,
  maxSafetensorsHeader: 100_000_000,
  maxH5SearchBytes: 1 << 30,
  maxFiles: 100_000,
});

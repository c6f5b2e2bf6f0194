/** Options of `rampart scan-data`, as commander parses them. */
export interface ScanDataOptions {
  readonly textField?: string;
  readonly labelField: string;
  readonly baseline?: string;
  readonly json?: boolean;
  readonly outClean?: string;
  readonly outQuarantine?: string;
  readonly report?: string;
}

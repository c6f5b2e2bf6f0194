/** Where decisions go. The server's batched hash-chain writer implements it. Imports nothing. */

export interface AuditEvent {
  readonly type: 'decision' | 'outcome' | 'review' | 'key' | 'policy' | 'system';
  readonly time: string;
  readonly requestId?: string;
  readonly [field: string]: unknown;
}

export interface AuditSink {
  /**
   * Queues an event. The promise resolves once the event is durably committed (group commit),
   * so a caller that awaits it before answering never acknowledges an unlogged decision.
   */
  append(event: AuditEvent): Promise<void>;
  /** Commits everything queued and writes a signed checkpoint of the chain head. */
  close(): Promise<void>;
}

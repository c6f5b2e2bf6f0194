import type { AddressClass } from './is-private-address.js';

/**
 * Raised by the connect step of an outbound agent that does not allow private networks when the
 * destination resolves to a non-public address. It carries the host as written and the address
 * it resolved to, so a refusal caused by DNS (rebinding, a split-horizon name) can be told apart
 * from a literal address in the configured URL.
 */
export class OutboundBlockedError extends Error {
  override readonly name = 'OutboundBlockedError';
  readonly code = 'ERR_RAMPART_OUTBOUND_BLOCKED';
  readonly hostname: string;
  readonly address: string;
  readonly addressClass: AddressClass;

  constructor(input: { hostname: string; address: string; addressClass: AddressClass }) {
    const resolved = input.hostname === input.address ? '' : ` (resolved to ${input.address})`;
    super(`Refused outbound connection to ${input.hostname}${resolved}: ${input.addressClass} addresses are not allowed for this call.`);
    this.hostname = input.hostname;
    this.address = input.address;
    this.addressClass = input.addressClass;
  }
}

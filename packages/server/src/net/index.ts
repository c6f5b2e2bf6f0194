export { createOutboundAgent, type OutboundAgentOptions } from './outbound.js';
export { classifyAddress, isPrivateAddress, type AddressClass } from './is-private-address.js';
export { OutboundBlockedError } from './outbound-blocked-error.js';

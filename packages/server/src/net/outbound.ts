import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { classifyAddress } from './is-private-address.js';
import { OutboundBlockedError } from './outbound-blocked-error.js';

export interface OutboundAgentOptions {
  /**
   * Whether this call may reach loopback, private, link-local and other non-public addresses.
   * `true` only for destinations the operator configured (the upstream model API, usually vLLM
   * on localhost); `false` for anything a user or a policy file can point somewhere (webhooks).
   */
  allowPrivateNetwork: boolean;
  /** How long a TCP (and TLS) connection may take to establish. */
  connectTimeoutMs: number;
  /** Most sockets kept per origin; further requests queue. */
  maxConnections: number;
  /** How long an idle pooled socket is kept (undici default 4 s; a server's Keep-Alive hint can shorten it). */
  keepAliveTimeoutMs?: number;
}

/**
 * The one way Rampart makes outbound HTTP calls (STYLE rule 14): a pooled keep-alive undici
 * Agent whose connect step enforces `allowPrivateNetwork`. When private networks are not
 * allowed the check runs on the address actually connected to, not on the URL's hostname, so a
 * name that resolves (or re-resolves, DNS rebinding) to 127.0.0.1, 10.0.0.0/8, 169.254.169.254,
 * ::1, fc00::/7 or an IPv4-mapped form of any of them is refused:
 * 1. an IP literal host is classified before any socket is opened;
 * 2. a name is resolved by a lookup hook that refuses the connection if ANY resolved address is
 *    non-public (a name mixing public and private answers is an attack, not a configuration);
 * 3. after the socket connects, its remote address is checked again, so no future connect path
 *    (a new net option, a different resolver) can silently bypass the rule.
 * A refusal fails the request with {@link OutboundBlockedError}.
 *
 * @example
 * const upstream = createOutboundAgent({ allowPrivateNetwork: true, connectTimeoutMs: 5000, maxConnections: 128 });
 * const webhooks = createOutboundAgent({ allowPrivateNetwork: false, connectTimeoutMs: 5000, maxConnections: 8 });
 * await request('https://hooks.example.com/x', { dispatcher: webhooks, method: 'POST', body });
 */
export function createOutboundAgent(options: OutboundAgentOptions): Agent {
  const { allowPrivateNetwork, connectTimeoutMs, maxConnections, keepAliveTimeoutMs } = options;
  const baseConnect = buildConnector({
    timeout: connectTimeoutMs,
    ...(allowPrivateNetwork ? {} : { lookup: publicOnlyLookup }),
  });
  const connect: buildConnector.connector = allowPrivateNetwork
    ? baseConnect
    : (connectOptions, callback) => {
        const { hostname } = connectOptions;
        if (isIP(hostname) !== 0) {
          const blocked = refusal(hostname, hostname);
          if (blocked !== undefined) {
            callback(blocked, null);
            return;
          }
        }
        baseConnect(connectOptions, (error, socket) => {
          if (error !== null) {
            callback(error, null);
            return;
          }
          const remote = socket.remoteAddress;
          const blocked = remote === undefined ? refusal(hostname, 'unknown') : refusal(hostname, remote);
          if (blocked !== undefined) {
            socket.destroy();
            callback(blocked, null);
            return;
          }
          callback(null, socket);
        });
      };
  return new Agent({
    connect,
    connections: maxConnections,
    ...(keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: keepAliveTimeoutMs }),
  });
}

function refusal(hostname: string, address: string): OutboundBlockedError | undefined {
  const addressClass = classifyAddress(address);
  return addressClass === 'public' ? undefined : new OutboundBlockedError({ hostname, address, addressClass });
}

/**
 * A `net.connect` lookup that resolves like the default one but fails when any answer is
 * non-public. Node calls it with `all: true` when it races address families
 * (autoSelectFamily), otherwise it expects a single address.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  const all: LookupAllOptions = { ...options, all: true };
  dnsLookup(hostname, all, (error, addresses: LookupAddress[]) => {
    if (error !== null) {
      callback(error, '', 0);
      return;
    }
    for (const { address } of addresses) {
      const blocked = refusal(hostname, address);
      if (blocked !== undefined) {
        callback(blocked, '', 0);
        return;
      }
    }
    const first = addresses[0];
    if (first === undefined) {
      const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      notFound.code = 'ENOTFOUND';
      callback(notFound, '', 0);
    } else if (options.all === true) {
      (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses);
    } else {
      callback(null, first.address, first.family);
    }
  });
};

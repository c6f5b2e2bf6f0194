// Offline guard for the peer benchmark: every outbound socket and DNS lookup fails at once and
// is recorded. A peer that reaches for a network (a hub download, an LLM API) then errors
// instead of hanging, and the report excludes it with the attempts as its reason.
import dns from 'node:dns';
import net from 'node:net';

/**
 * Blocks sockets (http, https, tls and fetch all open one through net.Socket#connect) and DNS
 * for the rest of this process, and returns the list that attempts are appended to.
 *
 * @example
 * const attempts = blockNetwork();
 * await import('some-guard'); // a download attempt throws and lands in `attempts`
 */
export function blockNetwork() {
  const attempts = [];
  const refuse = (what) => {
    attempts.push(what);
    throw new Error(`network blocked by bench/peers (${what})`);
  };
  net.Socket.prototype.connect = function connect(...args) {
    const target = args[0];
    const where = typeof target === 'object' && target !== null ? `${target.host ?? target.path ?? '?'}:${target.port ?? ''}` : String(target);
    refuse(`connect ${where}`);
  };
  for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
    dns[name] = (host) => refuse(`dns ${name} ${host}`);
    dns.promises[name] = async (host) => refuse(`dns ${name} ${host}`);
  }
  return attempts;
}

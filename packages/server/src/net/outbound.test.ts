import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAddress, isPrivateAddress } from './is-private-address.js';
import { createOutboundAgent } from './outbound.js';
import { OutboundBlockedError } from './outbound-blocked-error.js';

describe('classifyAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.170', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b:1::1', 'reserved'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:0a00:0001::1', 'private'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['[::1]', 'loopback'],
    ['localhost', 'invalid'],
    ['', 'invalid'],
    ['127.1', 'invalid'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s is public',
    (address) => {
      expect(classifyAddress(address)).toBe('public');
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('createOutboundAgent', () => {
  let server: Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reaches loopback when private networks are allowed', async () => {
    const agent = createOutboundAgent({ allowPrivateNetwork: true, connectTimeoutMs: 2000, maxConnections: 2 });
    try {
      const res = await agent.request({ origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET' });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('ok');
    } finally {
      await agent.close();
    }
  });

  it('refuses an IP literal loopback host before opening a socket', async () => {
    const agent = createOutboundAgent({ allowPrivateNetwork: false, connectTimeoutMs: 2000, maxConnections: 2 });
    const before = connections;
    try {
      const error = await agent.request({ origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutboundBlockedError);
      expect((error as OutboundBlockedError).address).toBe('127.0.0.1');
      expect((error as OutboundBlockedError).addressClass).toBe('loopback');
      const mapped = await agent.request({ origin: `http://[::ffff:127.0.0.1]:${port}`, path: '/', method: 'GET' }).catch((e: unknown) => e);
      expect(mapped).toBeInstanceOf(OutboundBlockedError);
      expect(connections).toBe(before);
    } finally {
      await agent.close();
    }
  });

  it('refuses a name that resolves to loopback (the check is on the resolved address)', async () => {
    const agent = createOutboundAgent({ allowPrivateNetwork: false, connectTimeoutMs: 2000, maxConnections: 2 });
    const before = connections;
    try {
      const error = await agent.request({ origin: `http://localhost:${port}`, path: '/', method: 'GET' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutboundBlockedError);
      expect((error as OutboundBlockedError).hostname).toBe('localhost');
      expect(['loopback']).toContain((error as OutboundBlockedError).addressClass);
      expect(connections).toBe(before);
    } finally {
      await agent.close();
    }
  });
});

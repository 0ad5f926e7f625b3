import { addressPolicy, isLoopbackHost, isPublicAddress, subscriptionUrlProblem } from './webhook-address-policy';

describe('webhook address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.45.6.7', 'loopback'],
    ['::1', 'IPv6 loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'IPv6 unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with a zone'],
    ['fd12:3456::1', 'unique local'],
    ['fc00::1', 'unique local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped link-local, hex form'],
    ['::ffff:100.64.0.1', 'IPv4-mapped CGNAT'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['64:ff9b::10.0.0.1', 'NAT64 of a private address'],
    ['2002:a00:1::1', '6to4 of a private address'],
    ['[::1]', 'bracketed, as in a URL'],
    ['not-an-address', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '93.184.215.14', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2a00:1450:4007:80e::200e', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'])(
    'accepts the public address %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('knows loopback hosts by name and address', () => {
    for (const host of ['localhost', 'LOCALHOST.', '127.0.0.1', '127.9.9.9', '[::1]', '::1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', 'localhost.example', 'example.org', '[fe80::1]']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('connects anywhere in development only', () => {
    expect(addressPolicy('development')('10.0.0.1')).toBe(true);
    expect(addressPolicy('production')('10.0.0.1')).toBe(false);
    expect(addressPolicy('production')('8.8.8.8')).toBe(true);
  });

  describe('subscription URLs', () => {
    it('accepts https to a name or a public address, everywhere', () => {
      for (const environment of ['production', 'development'] as const) {
        expect(subscriptionUrlProblem('https://caf.example/relais/webhooks', environment)).toBeNull();
        expect(subscriptionUrlProblem('https://8.8.8.8:8443/hook', environment)).toBeNull();
      }
    });

    it('accepts http only to loopback and only in development', () => {
      for (const url of ['http://localhost:3000/hook', 'http://127.0.0.1:3000/hook', 'http://[::1]:3000/hook']) {
        expect(subscriptionUrlProblem(url, 'development')).toBeNull();
        expect(subscriptionUrlProblem(url, 'production')).toMatch(/https/);
      }
      expect(subscriptionUrlProblem('http://caf.example/hook', 'development')).toMatch(/https/);
      expect(subscriptionUrlProblem('http://10.0.0.5/hook', 'development')).toMatch(/https/);
      expect(subscriptionUrlProblem('http://caf.example/hook', 'production')).toMatch(/https/);
    });

    it('refuses other schemes, credentials, and written non-public addresses outside development', () => {
      expect(subscriptionUrlProblem('ftp://caf.example/hook', 'development')).toMatch(/https/);
      expect(subscriptionUrlProblem('https://user:secret@caf.example/hook', 'production')).toMatch(/identifiants/);
      for (const url of ['https://10.0.0.5/hook', 'https://169.254.169.254/latest', 'https://[fd00::1]/hook', 'https://[::ffff:127.0.0.1]/', 'https://0x7f.1/', 'https://2130706433/']) {
        expect(subscriptionUrlProblem(url, 'production')).toMatch(/réseau privé/);
        expect(subscriptionUrlProblem(url, 'development')).toBeNull();
      }
    });
  });
});

/**
 * Outbound webhooks reach only allowed addresses (registration and every attempt, DNS rebinding
 * included), and one attempt against real local receivers: delivered, failed, refused, cut at the deadline.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { after, describe, it } from 'node:test';
import {
  checkWebhookUrl,
  forbiddenAddressReason,
  LOOPBACK_CIDRS,
  parseAllowedCidrs,
  type HostLookup,
} from '../webhooks/address-guard';
import { postWebhook, type PostResult, type WebhookPost } from '../webhooks/post-webhook';

const NONE = parseAllowedCidrs(undefined);
const LOOPBACK = parseAllowedCidrs(LOOPBACK_CIDRS.join(','));

/** A lookup that answers `host` with `addresses` and fails for anything else, counting its calls. */
function fakeLookup(host: string, ...addresses: string[]): HostLookup & { calls: number } {
  const lookup = async (name: string) => {
    lookup.calls += 1;
    if (name !== host) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  lookup.calls = 0;
  return lookup;
}

describe('parseAllowedCidrs', () => {
  it('reads a comma-separated list, whitespace and empty entries tolerated', () => {
    const allowed = parseAllowedCidrs(' 127.0.0.0/8, ::1/128 ,,10.1.0.0/16 ');
    assert.deepEqual(allowed.entries, ['127.0.0.0/8', '::1/128', '10.1.0.0/16']);
    assert.equal(allowed.list.check('10.1.200.3', 'ipv4'), true);
    assert.equal(allowed.list.check('10.2.0.1', 'ipv4'), false);
    for (const empty of [undefined, '', ' , ']) assert.deepEqual(parseAllowedCidrs(empty).entries, []);
  });

  it('names the entry that is not a CIDR', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0', 'example.com/8', '::1/129', 'fe80::%eth0/64', '10.0.0.0/-1']) {
      assert.throws(() => parseAllowedCidrs(`127.0.0.0/8, ${bad}`), {
        message: `OUTBOUND_WEBHOOK_ALLOWED_CIDRS: "${bad}" is not a CIDR such as 10.0.0.0/8 or fd00::/8`,
      });
    }
  });
});

describe('forbiddenAddressReason', () => {
  const refused: Record<string, string[]> = {
    unspecified: ['0.1.2.3', '::'],
    loopback: ['127.0.0.1', '::1', '::ffff:127.0.0.1', '64:ff9b::7f00:1', '64:ff9b::127.0.0.1%eth0'],
    private: ['10.20.30.40', '172.16.0.1', '172.31.255.255', '192.168.1.1', '64:ff9b::10.0.0.1'],
    carrier_grade_nat: ['100.64.0.1'],
    link_local: ['169.254.169.254', 'fe80::1', 'fe80::1%eth0', '::ffff:a9fe:a9fe', '2002:a9fe:a9fe::1'],
    unique_local: ['fd00::1', 'fc00::1'],
    documentation: ['192.0.2.1', '198.51.100.7', '203.0.113.9', '2001:db8::1'],
    benchmarking: ['198.18.0.1'],
    multicast: ['224.0.0.251', 'ff02::1'],
    broadcast: ['255.255.255.255'],
    reserved: ['192.0.0.8', '240.0.0.1', '::127.0.0.1'],
    not_an_ip: ['example.com'],
  };
  for (const [reason, addresses] of Object.entries(refused)) {
    it(`refuses ${addresses.join(', ')} as ${reason}`, () => {
      for (const address of addresses) assert.equal(forbiddenAddressReason(address, NONE), reason, address);
    });
  }

  it('allows public addresses, also IPv4-mapped and NAT64 ones', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
    ]) {
      assert.equal(forbiddenAddressReason(address, NONE), undefined, address);
    }
  });

  it('allows what the allow-list opens, and nothing more', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      assert.equal(forbiddenAddressReason(address, LOOPBACK), undefined, address);
    }
    assert.equal(forbiddenAddressReason('10.0.0.1', LOOPBACK), 'private');
    assert.equal(forbiddenAddressReason('169.254.169.254', LOOPBACK), 'link_local');
    assert.equal(forbiddenAddressReason('10.1.2.3', parseAllowedCidrs('10.1.0.0/16')), undefined);
  });
});

describe('checkWebhookUrl', () => {
  const refusals: [string, RegExp][] = [
    [
      'http://169.254.169.254/latest',
      /^the URL resolves to a link-local address \(169\.254\.169\.254\), which OUTBOUND_WEBHOOK_ALLOWED_CIDRS does not allow$/,
    ],
    ['ftp://example.com/hook', /must use http or https/],
    ['http://user:pw@example.com/hook', /must not carry a username or password/],
    ['http://[::1]:8080/', /a loopback address \(::1\)/],
    ['http://2130706433/hook', /a loopback address \(127\.0\.0\.1\)/],
    ['not a url', /not a valid absolute URL/],
    [`https://example.com/${'a'.repeat(2048)}`, /longer than 2048 characters/],
  ];
  for (const [url, problem] of refusals) {
    it(`refuses ${url.slice(0, 40)}`, async () => {
      const result = await checkWebhookUrl(url, NONE, fakeLookup('example.com', '93.184.216.34'));
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.problem, problem);
      assert.doesNotMatch(result.ok ? '' : result.problem, /pw/);
    });
  }

  it('accepts loopback URLs when LOOPBACK_CIDRS allows them', async () => {
    for (const url of ['http://127.0.0.1:8080/hook?k=v', 'http://[::1]:8080/']) {
      const result = await checkWebhookUrl(url, LOOPBACK);
      assert.deepEqual(result, { ok: true, url: new URL(url) });
    }
  });

  it('accepts a public name, and refuses one that resolves to a private address among public ones', async () => {
    assert.equal(
      (await checkWebhookUrl('https://hooks.example.com/', NONE, fakeLookup('hooks.example.com', '93.184.216.34'))).ok,
      true,
    );
    const lookup = fakeLookup('hooks.example.com', '93.184.216.34', '10.0.0.5');
    assert.deepEqual(await checkWebhookUrl('https://hooks.example.com/', NONE, lookup), {
      ok: false,
      problem: 'the URL resolves to a private address (10.0.0.5), which OUTBOUND_WEBHOOK_ALLOWED_CIDRS does not allow',
    });
  });

  it('refuses a host that does not resolve', async () => {
    const result = await checkWebhookUrl('https://nowhere.example/', NONE, fakeLookup('elsewhere.example'));
    assert.deepEqual(result, { ok: false, problem: "the URL's host does not resolve" });
    assert.deepEqual(await checkWebhookUrl('https://empty.example/', NONE, fakeLookup('empty.example')), result);
  });
});

type Received = { method?: string; url?: string; headers: IncomingHttpHeaders; body: string };

/** A receiver on 127.0.0.1 that records each request (body read in full) before `answer` handles it. */
async function receiver(answer: RequestListener) {
  const requests: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { method, url, headers } = request;
      requests.push({ method, url, headers, body: Buffer.concat(chunks).toString() });
      answer(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  servers.push(close);
  return { port, url: `http://127.0.0.1:${port}/hooks/kyc?token=secret-token`, requests, close };
}
const servers: (() => Promise<unknown>)[] = [];
after(() => Promise.all(servers.map((close) => close())));

const status = (code: number, body = '') =>
  ((_request, response) => response.writeHead(code).end(body)) as RequestListener;

function post(url: string, overrides: Partial<WebhookPost> = {}) {
  return postWebhook({ url, headers: {}, body: '{"type":"ping"}', timeoutMs: 2000, allowed: LOOPBACK, ...overrides });
}

/** `error (retryable|final)` of a failed attempt, or `delivered`. */
const outcome = (result: PostResult) =>
  result.delivered ? 'delivered' : `${result.error} (${result.retryable ? 'retryable' : 'final'})`;
/** Fails a test whose deadline does not work, instead of hanging the run. */
const bounded = { timeout: 5000 };

describe('postWebhook', () => {
  it('delivers on 2xx, with the headers and body as sent', async () => {
    const server = await receiver(status(204));
    const body = JSON.stringify({ id: 'evt_1', type: 'onboarding.decided', note: 'é' });
    const result = await post(server.url, { body, headers: { 'Webhook-Signature': 'v1,abc', 'webhook-id': 'evt_1' } });
    assert.equal(result.delivered, true);
    assert.equal(result.status, 204);
    assert.ok(result.durationMs >= 0);
    assert.equal(server.requests.length, 1);
    const [received] = server.requests;
    assert.equal(received?.method, 'POST');
    assert.equal(received?.url, '/hooks/kyc?token=secret-token');
    assert.equal(received?.body, body);
    assert.equal(received?.headers['content-type'], 'application/json');
    assert.equal(received?.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(received?.headers['user-agent'], 'kyc-onboarding-webhooks/1');
    assert.equal(received?.headers['webhook-signature'], 'v1,abc');
    assert.equal(received?.headers['webhook-id'], 'evt_1');
  });

  it('a 5xx is retryable; the response body is read up to 4 KiB only, and not returned', bounded, async () => {
    // 64 KiB and the response never ends: only stopping after 4 KiB answers before the deadline.
    const server = await receiver((_request, response) =>
      response.writeHead(500).write(`leaked-${'x'.repeat(65_536)}`),
    );
    const result = await post(server.url, { timeoutMs: 1000 });
    assert.equal(outcome(result), 'HTTP 500 (retryable)');
    assert.equal(result.status, 500);
    assert.doesNotMatch(JSON.stringify(result), /leaked|secret-token/);
  });

  it('410 Gone is not retryable', async () => {
    assert.equal(outcome(await post((await receiver(status(410))).url)), 'HTTP 410 (final)');
  });

  it('a redirect is not followed', async () => {
    const server = await receiver((_request, response) => response.writeHead(302, { location: '/elsewhere' }).end());
    const result = await post(server.url);
    assert.equal(outcome(result), 'redirect not followed (302) (retryable)');
    assert.equal(result.status, 302);
    assert.equal(server.requests.length, 1);
  });

  it('a receiver that accepts and never answers is cut at the deadline', bounded, async () => {
    const server = await receiver(() => undefined);
    const result = await post(server.url, { timeoutMs: 300 });
    assert.equal(outcome(result), 'timed out after 300ms (retryable)');
    assert.ok(result.durationMs >= 290 && result.durationMs < 1500, `took ${result.durationMs}ms`);
    assert.equal(server.requests.length, 1);
  });

  it('a receiver that sends 200 headers and stalls the body is cut at the deadline too', bounded, async () => {
    const server = await receiver((_request, response) => response.writeHead(200).write('partial'));
    const result = await post(server.url, { timeoutMs: 300 });
    assert.equal(outcome(result), 'timed out after 300ms (retryable)');
    assert.ok(result.durationMs < 1500, `took ${result.durationMs}ms`);
  });

  it('a closed port is connection refused, without the query in the error', async () => {
    const server = await receiver(status(200));
    await server.close();
    const result = await post(server.url);
    assert.equal(outcome(result), 'connection refused (retryable)');
    assert.doesNotMatch(JSON.stringify(result), /secret-token/);
  });

  it('refuses a loopback receiver without the allow-list, before connecting', async () => {
    const server = await receiver(status(200));
    assert.equal(outcome(await post(server.url, { allowed: NONE })), 'address not allowed: loopback (final)');
    assert.equal(server.requests.length, 0);
  });

  it('refuses a name that now resolves to loopback (DNS rebinding), before connecting', async () => {
    const server = await receiver(status(200));
    const lookup = fakeLookup('rebind.test', '127.0.0.1');
    const result = await post(`http://rebind.test:${server.port}/hook`, { allowed: NONE, lookup });
    assert.equal(outcome(result), 'address not allowed: loopback (final)');
    assert.equal(server.requests.length, 0);
  });

  it('connects to the checked answer, asking DNS once, and sends the name as Host', async () => {
    const server = await receiver(status(200));
    const lookup = fakeLookup('hooks.test', '127.0.0.1');
    const result = await post(`http://hooks.test:${server.port}/hook`, { lookup });
    assert.equal(result.delivered, true);
    assert.equal(lookup.calls, 1);
    assert.equal(server.requests[0]?.headers.host, `hooks.test:${server.port}`);
  });

  it('a host that does not resolve is retryable; a bad URL or header is not', async () => {
    const unresolved = await post('http://nowhere.test/hook?token=secret-token', { lookup: fakeLookup('x.test') });
    assert.equal(outcome(unresolved), 'host does not resolve: nowhere.test (retryable)');
    const ftp = await post('ftp://127.0.0.1/hook');
    assert.equal(outcome(ftp), 'invalid URL: the URL must use http or https (final)');
    const server = await receiver(status(200));
    const badHeader = await post(server.url, { headers: { 'x-signature': 'a\r\nx-injected: 1' } });
    assert.equal(outcome(badHeader), 'invalid request header (final)');
    assert.equal(server.requests.length, 0);
  });
});

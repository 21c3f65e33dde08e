import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config/config';
import { DEFAULT_POLICY } from '../workflows/onboarding-contract';

describe('configuration from the environment', () => {
  it('has working defaults for local development', () => {
    const config = loadConfig({});
    assert.equal(config.temporal.address, '127.0.0.1:7233');
    assert.equal(config.temporal.namespace, 'default');
    assert.equal(config.temporal.taskQueue, 'onboarding');
    assert.equal(config.temporal.tls, undefined);
    assert.equal(config.complyCube.baseUrl, 'https://api.complycube.com/v1');
    assert.ok('dataDir' in config.store);
    assert.equal(config.api.port, 3000);
  });

  it('parses tokens, the store URL and worker limits', () => {
    const config = loadConfig({
      API_SERVICE_TOKENS: 'backend:0123456789abcdef0123',
      API_REVIEWER_TOKENS: 'alice:aaaaaaaaaaaaaaaaaaaa, bob:bbbbbbbbbbbbbbbbbbbb',
      DATABASE_URL: 'postgres://kyc:pw@db:5432/kyc',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '7',
    });
    assert.deepEqual(config.api.serviceTokens, [{ name: 'backend', token: '0123456789abcdef0123' }]);
    assert.deepEqual(
      config.api.reviewerTokens.map((t) => t.name),
      ['alice', 'bob'],
    );
    assert.deepEqual(config.store, { databaseUrl: 'postgres://kyc:pw@db:5432/kyc', poolMax: 10 });
    assert.equal(config.worker.maxConcurrentActivityTaskExecutions, 7);
  });

  it('turns TLS on for a Temporal Cloud API key', () => {
    const config = loadConfig({ TEMPORAL_API_KEY: 'key', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' });
    assert.deepEqual(config.temporal.tls, {});
    assert.equal(config.temporal.apiKey, 'key');
  });

  it('names each bad variable, without echoing secrets', () => {
    const attempt = () =>
      loadConfig({
        API_PORT: 'eighty',
        DATABASE_URL: 'mysql://root:hunter2@db/kyc',
        API_SERVICE_TOKENS: 'backend:short-secret',
      });
    assert.throws(attempt, (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const name of ['API_PORT', 'DATABASE_URL', 'API_SERVICE_TOKENS']) {
        assert.match(error.message, new RegExp(name));
      }
      assert.doesNotMatch(error.message, /hunter2|short-secret/);
      return true;
    });
  });

  it('refuses a certificate without its key, both an API key and a certificate, and unreadable files', () => {
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/a.pem' }),
      /TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together/,
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS_CERT_PATH: '/a', TEMPORAL_TLS_KEY_PATH: '/b' }),
      /either an API key or a client certificate/,
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/nonexistent/a.pem', TEMPORAL_TLS_KEY_PATH: '/nonexistent/b.pem' }),
      /cannot read \/nonexistent\/a.pem/,
    );
  });

  it('versions workers by default, as the kyc-onboarding deployment, promoting only a first version', () => {
    const config = loadConfig({});
    assert.deepEqual(config.deployment, {
      deploymentName: 'kyc-onboarding',
      buildId: undefined,
      autoPromote: 'if-none',
    });
    const unversioned = loadConfig({ TEMPORAL_WORKER_VERSIONING: 'false', WORKER_AUTO_PROMOTE: 'always' });
    assert.deepEqual(unversioned.deployment, { deploymentName: false, buildId: undefined, autoPromote: 'never' });
    assert.throws(() => loadConfig({ TEMPORAL_DEPLOYMENT_NAME: 'kyc.onboarding' }), /TEMPORAL_DEPLOYMENT_NAME/);
    assert.throws(() => loadConfig({ WORKER_AUTO_PROMOTE: 'sometimes' }), /WORKER_AUTO_PROMOTE/);
    assert.throws(() => loadConfig({ TEMPORAL_WORKER_BUILD_ID: 'a b' }), /TEMPORAL_WORKER_BUILD_ID/);
  });

  it('resolves the policy new onboardings start with from POLICY_* and the defaults', () => {
    assert.deepEqual(loadConfig({}).policy, DEFAULT_POLICY);
    assert.deepEqual(loadConfig({ POLICY_REVIEW_SLA: '4h', POLICY_CHECK_TIMEOUT: '2h' }).policy, {
      ...DEFAULT_POLICY,
      reviewSla: '4h',
      checkTimeout: '2h',
    });
    assert.throws(
      () => loadConfig({ POLICY_POLL_INTERVAL: 'soon' }),
      (error: unknown) => /POLICY_POLL_INTERVAL/.test(String(error)) && !/POLICY_REVIEW_EXPIRY/.test(String(error)),
    );
    assert.throws(() => loadConfig({ POLICY_REVIEW_SLA: '60d' }), /POLICY_REVIEW_EXPIRY: must be longer than/);
  });

  it('takes the review desk policy: four-eyes, decisions by signal, the claim lease', () => {
    assert.equal(DEFAULT_POLICY.secondApproval, 'identity_fraud_attention');
    assert.equal(DEFAULT_POLICY.signalDecisions, 'accepted');
    assert.equal(DEFAULT_POLICY.claimLease, '15m');
    const policy = loadConfig({
      POLICY_SECOND_APPROVAL: 'any_review',
      POLICY_SIGNAL_DECISIONS: 'refused',
      POLICY_CLAIM_LEASE: '30m',
    }).policy;
    assert.deepEqual(policy, {
      ...DEFAULT_POLICY,
      secondApproval: 'any_review',
      signalDecisions: 'refused',
      claimLease: '30m',
    });
    assert.throws(() => loadConfig({ POLICY_SECOND_APPROVAL: 'sometimes' }), /POLICY_SECOND_APPROVAL/);
    assert.throws(() => loadConfig({ POLICY_SIGNAL_DECISIONS: 'maybe' }), /POLICY_SIGNAL_DECISIONS/);
    // The rule between the SLA and the expiry holds whatever else is set.
    assert.throws(
      () => loadConfig({ POLICY_SECOND_APPROVAL: 'never', POLICY_REVIEW_SLA: '60d' }),
      /POLICY_REVIEW_EXPIRY: must be longer than/,
    );
  });

  it('takes the console settings: session length and Secure cookies', () => {
    assert.equal(loadConfig({}).api.sessionTtlMs, 8 * 3_600_000);
    assert.equal(loadConfig({}).api.secureCookies, undefined);
    assert.equal(
      loadConfig({ CONSOLE_SESSION_TTL: '30m', CONSOLE_SECURE_COOKIES: 'true' }).api.sessionTtlMs,
      1_800_000,
    );
    assert.equal(loadConfig({ CONSOLE_SECURE_COOKIES: 'false' }).api.secureCookies, false);
    assert.throws(() => loadConfig({ CONSOLE_SESSION_TTL: 'all day' }), /CONSOLE_SESSION_TTL/);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config/config';
import { API_SECRETS, refusePlaceholders, WORKER_SECRETS } from '../config/placeholders';
import { COMPOSE_ENV_FILE, readEnvFile } from '../dev/production/compose';
import { DEFAULT_POLICY } from '../workflows/onboarding-contract';

describe('configuration from the environment', () => {
  it('has working defaults for local development', () => {
    const config = loadConfig({});
    assert.equal(config.temporal.address, '127.0.0.1:7233');
    assert.equal(config.temporal.namespace, 'default');
    assert.equal(config.temporal.taskQueue, 'onboarding');
    assert.deepEqual(config.temporal.connection, { address: '127.0.0.1:7233' });
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

  it('takes the resubmission policy and the outbound webhooks settings, refusing bad values by name', () => {
    const config = loadConfig({
      POLICY_RESUBMISSION_DEADLINE: '3d',
      POLICY_RESUBMISSION_ROUNDS: '0',
      OUTBOUND_WEBHOOK_ALLOWED_CIDRS: '10.20.0.0/16, fd00::/8',
      OUTBOUND_WEBHOOK_TIMEOUT: '5s',
      OUTBOUND_WEBHOOK_RETRY_FOR: '48h',
    });
    assert.equal(config.policy.resubmissionDeadline, '3d');
    assert.equal(config.policy.resubmissionRounds, 0);
    assert.deepEqual(config.webhooks.allowedCidrs.entries, ['10.20.0.0/16', 'fd00::/8']);
    assert.equal(config.webhooks.timeoutMs, 5_000);
    assert.equal(config.webhooks.retryFor, '48h');
    assert.deepEqual(loadConfig({}).webhooks.allowedCidrs.entries, [], 'no private address by default');
    assert.throws(() => loadConfig({ POLICY_RESUBMISSION_ROUNDS: '9' }), /POLICY_RESUBMISSION_ROUNDS/);
    assert.throws(() => loadConfig({ POLICY_RESUBMISSION_ROUNDS: 'two' }), /POLICY_RESUBMISSION_ROUNDS/);
    assert.throws(
      () => loadConfig({ OUTBOUND_WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/33' }),
      /OUTBOUND_WEBHOOK_ALLOWED_CIDRS/,
    );
    assert.throws(
      () => loadConfig({ OUTBOUND_WEBHOOK_RETRY_FOR: '1h' }),
      /OUTBOUND_WEBHOOK_RETRY_FOR: must be at least 24h/,
    );
  });

  it('takes the review desk policy: four-eyes, second approvers, decisions by signal, the claim lease', () => {
    assert.equal(DEFAULT_POLICY.secondApproval, 'identity_fraud_attention');
    assert.deepEqual(DEFAULT_POLICY.secondApproverRoles, ['reviewer', 'senior_reviewer']);
    assert.equal(DEFAULT_POLICY.signalDecisions, 'refused');
    assert.equal(DEFAULT_POLICY.claimLease, '15m');
    const policy = loadConfig({
      POLICY_SECOND_APPROVAL: 'any_review',
      POLICY_SECOND_APPROVER_ROLES: 'senior_reviewer',
      POLICY_SIGNAL_DECISIONS: 'accepted',
      POLICY_CLAIM_LEASE: '30m',
    }).policy;
    assert.deepEqual(policy, {
      ...DEFAULT_POLICY,
      secondApproval: 'any_review',
      secondApproverRoles: ['senior_reviewer'],
      signalDecisions: 'accepted',
      claimLease: '30m',
    });
    assert.throws(() => loadConfig({ POLICY_SECOND_APPROVER_ROLES: 'auditor' }), /POLICY_SECOND_APPROVER_ROLES/);
    assert.throws(() => loadConfig({ POLICY_SECOND_APPROVER_ROLES: 'reviewer,,' }), /POLICY_SECOND_APPROVER_ROLES/);
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

  it('takes the sign-in settings: single sign-on, lockout, rate limit, idle timeout, trusted proxy', () => {
    const { api } = loadConfig({});
    assert.equal(api.oidc, undefined);
    assert.deepEqual(api.signIn, {
      maxFailures: 10,
      lockoutWindowMs: 900_000,
      rateLimitPerMinute: 30,
      idleTimeoutMs: 1_800_000,
      tokenSignIn: true,
    });
    assert.equal(api.trustProxy, false);
    const issuer = 'https://login.example.com/realms/kyc';
    assert.throws(() => loadConfig({ OIDC_ISSUER: issuer }), /OIDC_CLIENT_ID: is required.*OIDC_REDIRECT_URI/s);
    assert.throws(
      () => loadConfig({ CONSOLE_TOKEN_SIGN_IN: 'false' }),
      /CONSOLE_TOKEN_SIGN_IN: false needs OIDC_ISSUER/,
    );
    const sso = loadConfig({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: 'kyc-console',
      OIDC_REDIRECT_URI: 'https://kyc.example.com/v1/session/oidc/callback',
      API_TRUST_PROXY: '10.0.0.0/8, 192.168.1.1',
    }).api;
    assert.deepEqual(sso.oidc && [sso.oidc.displayName, sso.oidc.rolesClaim, sso.oidc.nameClaim], [
      'login.example.com',
      'roles',
      'preferred_username',
    ]);
    assert.deepEqual(sso.trustProxy, ['10.0.0.0/8', '192.168.1.1']);
    assert.throws(() => loadConfig({ API_TRUST_PROXY: '2 hops' }), /API_TRUST_PROXY/);
  });
});

describe('Temporal connection settings, read as the Temporal CLI reads them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kyc-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const at = path.join(dir, name);
    mkdirSync(path.dirname(at), { recursive: true });
    writeFileSync(at, text);
    return at;
  };
  const profiles = file(
    'temporal.toml',
    [
      '[profile.default]',
      'address = "temporal.internal:7233"',
      'namespace = "onboarding"',
      '',
      '[profile.cloud]',
      'address = "eu-west-1.aws.api.temporal.io:7233"',
      'namespace = "kyc.acct"',
      'api_key = "profile-key"',
      '[profile.cloud.grpc_meta]',
      'team = "kyc"',
    ].join('\n'),
  );
  const cert = file('client.pem', 'CERT');
  const key = file('client.key', 'KEY');
  const ca = file('ca.pem', 'CA');

  it('reads the profile TEMPORAL_PROFILE names from TEMPORAL_CONFIG_FILE, API key turning TLS on', () => {
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'cloud' });
    assert.equal(config.temporal.address, 'eu-west-1.aws.api.temporal.io:7233');
    assert.equal(config.temporal.namespace, 'kyc.acct');
    assert.deepEqual(config.temporal.connection, {
      address: 'eu-west-1.aws.api.temporal.io:7233',
      apiKey: 'profile-key',
      tls: true,
      metadata: { team: 'kyc' },
    });
  });

  it("reads the default profile from the CLI's file under XDG_CONFIG_HOME", () => {
    const home = path.join(dir, 'xdg');
    file(path.join('xdg', 'temporalio', 'temporal.toml'), '[profile.default]\naddress = "from-home:7233"\n');
    assert.equal(loadConfig({ XDG_CONFIG_HOME: home }).temporal.address, 'from-home:7233');
  });

  it('puts the environment over the profile, an empty variable counting as unset', () => {
    const config = loadConfig({
      TEMPORAL_CONFIG_FILE: profiles,
      TEMPORAL_PROFILE: 'cloud',
      TEMPORAL_ADDRESS: 'other:7233',
      TEMPORAL_API_KEY: 'env-key',
      TEMPORAL_NAMESPACE: '',
    });
    assert.equal(config.temporal.address, 'other:7233');
    assert.equal(config.temporal.namespace, 'kyc.acct');
    assert.equal(config.temporal.connection.apiKey, 'env-key');
    assert.equal(loadConfig({ TEMPORAL_CONFIG_FILE: profiles }).temporal.namespace, 'onboarding');
  });

  it('maps TLS: an API key alone, TEMPORAL_TLS=false, a CA and server name, a client certificate', () => {
    assert.equal(loadConfig({ TEMPORAL_API_KEY: 'key' }).temporal.connection.tls, true);
    assert.equal(loadConfig({ TEMPORAL_API_KEY: 'key', TEMPORAL_TLS: 'false' }).temporal.connection.tls, false);
    assert.equal(loadConfig({ TEMPORAL_TLS: 'true' }).temporal.connection.tls !== undefined, true);
    const tls = loadConfig({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
    }).temporal.connection.tls;
    assert.ok(tls && typeof tls === 'object');
    assert.equal(Buffer.from(tls.clientCertPair!.crt).toString(), 'CERT');
    assert.equal(Buffer.from(tls.clientCertPair!.key).toString(), 'KEY');
    assert.equal(Buffer.from(tls.serverRootCACertificate!).toString(), 'CA');
    assert.equal(tls.serverNameOverride, 'temporal.example');
  });

  it("keeps the project's former names as aliases of the standard ones", () => {
    const viaAliases = loadConfig({
      TEMPORAL_TLS_CERT_PATH: cert,
      TEMPORAL_TLS_KEY_PATH: key,
      TEMPORAL_TLS_CA_PATH: ca,
    });
    const viaStandard = loadConfig({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
    });
    assert.deepEqual(viaAliases.temporal.connection, viaStandard.temporal.connection);
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_CA_PATH: ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH: cert }),
      /TEMPORAL_TLS_CA_PATH and TEMPORAL_TLS_SERVER_CA_CERT_PATH name the same setting/,
    );
  });

  it('names the setting to change, without echoing a secret', () => {
    const fails = (env: Record<string, string>, message: RegExp) =>
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    fails({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'staging' }, /TEMPORAL_PROFILE: no profile "staging"/);
    fails({ TEMPORAL_PROFILE: 'staging' }, /TEMPORAL_PROFILE/);
    fails({ TEMPORAL_CONFIG_FILE: path.join(dir, 'nope.toml') }, /TEMPORAL_CONFIG_FILE: no file at/);
    fails({ TEMPORAL_TLS: 'yes' }, /TEMPORAL_TLS: must be true or false/);
    fails({ TEMPORAL_TLS_CERT_PATH: cert }, /certificate and its key go together.*TEMPORAL_TLS_CLIENT_KEY_PATH/);
    fails({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS_CERT_PATH: cert, TEMPORAL_TLS_KEY_PATH: key }, /either an API key/);
    fails(
      { TEMPORAL_TLS_CERT_PATH: '/nonexistent/a.pem', TEMPORAL_TLS_KEY_PATH: key },
      /TEMPORAL_TLS_CLIENT_CERT_PATH \(alias TEMPORAL_TLS_CERT_PATH\).*cannot read \/nonexistent\/a.pem/,
    );
    const broken = file('broken.toml', '[profile.default]\napi_key = "hunter2-secret\n');
    assert.throws(
      () => loadConfig({ TEMPORAL_CONFIG_FILE: broken }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`TEMPORAL_CONFIG_FILE (${broken})`) &&
        !error.message.includes('hunter2'),
    );
  });

  it("refuses the compose example's placeholders in production, naming the variables and not their values", () => {
    const example = readEnvFile(COMPOSE_ENV_FILE);
    assert.throws(
      () => refusePlaceholders(example, API_SECRETS),
      (error: unknown) =>
        error instanceof ConfigError &&
        /API_SERVICE_TOKENS, API_REVIEWER_TOKENS, REVIEW_ASSERTION_KEYS, PAYLOAD_CODEC_KEYS, COMPLYCUBE_WEBHOOK_SECRET/.test(
          error.message,
        ) &&
        !error.message.includes(example.API_REVIEWER_TOKENS!),
    );
    assert.throws(
      () => refusePlaceholders(example, WORKER_SECRETS),
      /REVIEW_ASSERTION_KEYS, PAYLOAD_CODEC_KEYS, COMPLYCUBE_API_KEY/,
    );
    assert.doesNotThrow(() => refusePlaceholders({ ...example, ALLOW_PLACEHOLDER_SECRETS: 'true' }, API_SECRETS));
    assert.doesNotThrow(() => refusePlaceholders({ API_REVIEWER_TOKENS: 'alice:Kq8s7d9f0g1h2j3k4l5' }, API_SECRETS));
  });
});

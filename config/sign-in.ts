/**
 * The console sign-in's configuration: single sign-on (OpenID Connect), whether reviewer tokens
 * still sign in, the protections of the sign-in route (rate limit, lockout, the proxy whose
 * X-Forwarded-For names the client) and the session's idle timeout. Part of `config.ts`'s schema.
 */
import { z } from 'zod';
import { optionalString, positiveInt } from './env-values';
import { durationSchema, parseDuration } from '../workflows/onboarding-contract';

export const signInEnvShape = {
  OIDC_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_REDIRECT_URI: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OIDC_SCOPES: z.string().default('openid profile'),
  OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
  OIDC_NAME_CLAIM: z.string().min(1).default('preferred_username'),
  OIDC_DISPLAY_NAME: optionalString,
  CONSOLE_TOKEN_SIGN_IN: z.enum(['true', 'false']).default('true'),
  CONSOLE_SESSION_IDLE_TIMEOUT: durationSchema.default('30m'),
  SIGN_IN_MAX_FAILURES: positiveInt(10),
  SIGN_IN_LOCKOUT_WINDOW: durationSchema.default('15m'),
  SIGN_IN_RATE_LIMIT: positiveInt(30),
  /** `true` (whoever connects), or comma-separated proxy addresses/CIDRs; unset: no proxy trusted. */
  API_TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .regex(/^(true|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/, 'true, or proxy addresses and CIDRs')
      .optional(),
  ),
};

type SignInEnv = z.infer<z.ZodObject<typeof signInEnvShape>>;

/** The rules between the variables above, for the schema's superRefine. */
export function checkSignInEnv(env: SignInEnv, ctx: z.RefinementCtx): void {
  const problem = (path: keyof SignInEnv, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (env.OIDC_ISSUER) {
    if (!env.OIDC_CLIENT_ID) problem('OIDC_CLIENT_ID', 'is required with OIDC_ISSUER');
    if (!env.OIDC_REDIRECT_URI) problem('OIDC_REDIRECT_URI', 'is required with OIDC_ISSUER');
    if (!env.OIDC_SCOPES.split(/\s+/).includes('openid')) problem('OIDC_SCOPES', 'must include openid');
    const issuer = new URL(env.OIDC_ISSUER);
    if (issuer.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname)) {
      problem('OIDC_ISSUER', 'must be https (plain http only for a provider on this machine)');
    }
  } else if (env.CONSOLE_TOKEN_SIGN_IN === 'false') {
    problem('CONSOLE_TOKEN_SIGN_IN', 'false needs OIDC_ISSUER: else nobody can sign in to the console');
  }
}

/** Single sign-on as configured; undefined when OIDC_ISSUER is unset. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  redirectUri: string;
  scopes: string;
  rolesClaim: string;
  nameClaim: string;
  displayName: string;
}

/** How POST /v1/session is protected and how long an unused session lives. */
export interface SignInPolicy {
  /** Failed sign-ins from one client within `lockoutWindowMs` before it is locked out. */
  maxFailures: number;
  lockoutWindowMs: number;
  /** Sign-in attempts per minute from one client, whatever their outcome. */
  rateLimitPerMinute: number;
  idleTimeoutMs: number;
  /** Whether reviewer tokens sign in to the console (bearer tokens for the API are unaffected). */
  tokenSignIn: boolean;
}

/** The defaults below, for an API built without configuration (tests). */
export const DEFAULT_SIGN_IN: SignInPolicy = {
  maxFailures: 10,
  lockoutWindowMs: 15 * 60_000,
  rateLimitPerMinute: 30,
  idleTimeoutMs: 30 * 60_000,
  tokenSignIn: true,
};

export type TrustProxy = boolean | string[];

export function signInSettings(env: SignInEnv) {
  return {
    oidc: oidcSettings(env),
    signIn: {
      maxFailures: env.SIGN_IN_MAX_FAILURES,
      lockoutWindowMs: parseDuration(env.SIGN_IN_LOCKOUT_WINDOW),
      rateLimitPerMinute: env.SIGN_IN_RATE_LIMIT,
      idleTimeoutMs: parseDuration(env.CONSOLE_SESSION_IDLE_TIMEOUT),
      tokenSignIn: env.CONSOLE_TOKEN_SIGN_IN === 'true',
    } satisfies SignInPolicy,
    trustProxy: trustProxy(env.API_TRUST_PROXY),
  };
}

function oidcSettings(env: SignInEnv): OidcSettings | undefined {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_REDIRECT_URI) return undefined;
  return {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    redirectUri: env.OIDC_REDIRECT_URI,
    scopes: env.OIDC_SCOPES,
    rolesClaim: env.OIDC_ROLES_CLAIM,
    nameClaim: env.OIDC_NAME_CLAIM,
    displayName: env.OIDC_DISPLAY_NAME ?? new URL(env.OIDC_ISSUER).host,
  };
}

function trustProxy(value: string | undefined): TrustProxy {
  if (value === undefined) return false;
  if (value === 'true') return true;
  return value.split(',').map((entry) => entry.trim());
}

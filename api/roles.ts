/** The roles callers have, and which of them each part of the API admits. No Node: the console imports it. */
/**
 * What a caller may do. `service`: start and read onboardings (integrators). `reviewer`: read,
 * claim and decide cases. `senior_reviewer`: a reviewer whom the policy may require for a second
 * approval. `auditor`: read queue, cases, evidence and the audit record; never decide.
 */
export const ROLES = ['service', 'reviewer', 'senior_reviewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
/** The roles that decide, claim and release cases. */
export const DECIDING_ROLES = ['reviewer', 'senior_reviewer'] as const satisfies readonly Role[];
/** The roles of a person at the review desk (console sign-in). */
export const DESK_ROLES = ['reviewer', 'senior_reviewer', 'auditor'] as const satisfies readonly Role[];

/** Whether someone with these roles has any of the given ones. */
export const hasRole = (who: { roles: readonly Role[] }, ...roles: readonly Role[]) =>
  who.roles.some((role) => roles.includes(role));

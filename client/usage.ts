/** The operator CLI's help: one line per command, and a paragraph per command for `<command> --help`. */

export const COMMAND_HELP = {
  start: `start --client-id ID --address-id ID --document-id ID --live-video-id ID [--reverify]
         [--check-timeout D] [--review-sla D] [--review-expiry D]
  Starts an onboarding (workflow onboarding-<client ID>). D is a duration: 30s, 15m, 24h, 7d;
  unset ones come from POLICY_* in the environment, else 24h, 24h and 30d. --reverify starts a
  new run for a client whose onboarding has ended.`,
  show: `show ONBOARDING_ID
  Prints the onboarding as it stands (the getState query): status, checks, review, decision.`,
  list: `list [--status checks_running|awaiting_review|escalated|awaiting_second_approval|awaiting_resubmission|
               approved|rejected|expired|withdrawn]
  Lists onboardings (ID, status, start time), from Temporal's visibility.`,
  claim: `claim ONBOARDING_ID
  Holds the case for the policy's claim lease (claim again to renew), through the API, as the
  reviewer whose token is in KYC_API_TOKEN.`,
  release: `release ONBOARDING_ID
  Lets your claimed case go (through the API, as the owner of KYC_API_TOKEN).`,
  review: `review ONBOARDING_ID --decision approve|reject|request_resubmission --reason TEXT
         [--reason-codes CODE,...] [--items document,live_video --reasons CODE,...]
  Decides a case waiting for review through the API (POST /v1/onboardings/:id/review) as the
  reviewer whose token is in KYC_API_TOKEN; the API vouches for who decided, the worker checks it.
  --reason-codes give an approval's or rejection's codes beside --reason (docs/reviewer-view.md).
  request_resubmission asks the applicant for the --items again, for the --reasons (codes listed in
  docs/resubmission.md); --reason is the note.`,
  assign: `assign ONBOARDING_ID --to REVIEWER
  Assigns the case to REVIEWER until its review expires, through the API, as the senior reviewer
  whose token is in KYC_API_TOKEN.`,
  note: `note ONBOARDING_ID --text TEXT
  Adds an internal note to the case's audit trail, through the API, as the owner of KYC_API_TOKEN.`,
  resubmit: `resubmit ONBOARDING_ID [--document-id ID] [--live-video-id ID]
  Gives what a resubmission request asked for (POST /v1/onboardings/:id/resubmissions) with the
  service token in KYC_API_TOKEN; the affected check runs again.`,
  audit: `audit ONBOARDING_ID
  Prints the audit trail: every claim, release, approval, decision and refused attempt
  (reads the decision store: needs DATABASE_URL).`,
  'sync-review-queue': `sync-review-queue
  Writes every running case in review to the review queue (after upgrading from before 0.3.0).`,
  withdraw: `withdraw ONBOARDING_ID
  Cancels the onboarding; it records "withdrawn".`,
  erase: `erase CLIENT_ID
  Erases the client's personal data through the API (DELETE /v1/clients/:id/personal-data) with
  the service or senior reviewer token in KYC_API_TOKEN: ComplyCube deletes the client and the key
  of its reasons is destroyed, when AML retention allows (docs/payload-encryption.md).`,
} as const;

export type CommandName = keyof typeof COMMAND_HELP;

export const isCommand = (name: string | undefined): name is CommandName =>
  name !== undefined && Object.hasOwn(COMMAND_HELP, name);

export const USAGE = `usage: npm run onboarding -- <command> [options]     (<command> --help for one command)

${Object.values(COMMAND_HELP)
  .map((help) => `  ${help.split('\n')[0]}`)
  .join('\n')}

Connection settings come from the environment or a Temporal CLI profile, as for the worker
(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_PROFILE, ...). claim, release, review, resubmit and erase
go through the API: KYC_API_URL (default http://127.0.0.1:3000) and a reviewer's KYC_API_TOKEN.`;

/** A command line that cannot run: said with the command's own usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

/** The workflow refused the request (a claim, a decision): said as a sentence, exit code 3, no usage. */
export class RefusedError extends Error {}

/**
 * `npm run emulator:seed [-- --first-name Jo] [-- --last-name attention|failed]`: creates a complete
 * applicant in a running emulator and prints the IDs an onboarding needs, as JSON.
 */
import { parseArgs } from 'node:util';
import { seedApplicant } from './seed-applicant';

const { values } = parseArgs({
  options: {
    'first-name': { type: 'string', default: 'Test' },
    'last-name': { type: 'string', default: 'Applicant' },
    'base-url': { type: 'string', default: process.env.COMPLYCUBE_BASE_URL ?? 'http://127.0.0.1:8787/v1' },
    'api-key': { type: 'string', default: process.env.COMPLYCUBE_API_KEY ?? 'test_emulator_key' },
  },
});

seedApplicant(values['base-url'], values['api-key'], {
  firstName: values['first-name'],
  lastName: values['last-name'],
}).then(
  (applicant) => console.log(JSON.stringify(applicant, null, 2)),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

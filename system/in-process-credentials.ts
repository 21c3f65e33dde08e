/**
 * The fixed credentials of the in-process system (tests, fuzzing, the bench): the emulator's API
 * key and the API's tokens. They open nothing outside this machine.
 */
export const EMULATOR_KEY = 'test_system_key';
export const SERVICE_TOKEN = 'service-token-0123456789abcdef';
export const REVIEWER_TOKEN = 'reviewer-token-0123456789abcdef';
export const OTHER_REVIEWER_TOKEN = 'reviewer-token-fedcba9876543210';
export const SENIOR_REVIEWER_TOKEN = 'senior-reviewer-token-0123456789';
export const AUDITOR_TOKEN = 'auditor-token-0123456789abcdef';
/** The review-assertion keyring the in-process API and worker share (tests sign with it too). */
export const REVIEW_ASSERTION_KEYS = 'test-1:dGVzdC1yZXZpZXctYXNzZXJ0aW9uLWtleS0wMDAwMDAwMDAw';
/**
 * The payload codec's keyring of the in-process system (docs/payload-encryption.md). Histories
 * recorded under test/replay/histories are encrypted with it, so it never changes.
 */
export const PAYLOAD_CODEC_KEYS = 'test-codec-1:dGVzdC1wYXlsb2FkLWNvZGVjLWtleS0wMDAwMDAwMDA';

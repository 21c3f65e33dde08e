/**
 * The fixed credentials of the in-process system (tests, fuzzing, the bench): the emulator's API
 * key and the API's tokens. They open nothing outside this machine.
 */
export const EMULATOR_KEY = 'test_system_key';
export const SERVICE_TOKEN = 'service-token-0123456789abcdef';
export const REVIEWER_TOKEN = 'reviewer-token-0123456789abcdef';
export const OTHER_REVIEWER_TOKEN = 'reviewer-token-fedcba9876543210';

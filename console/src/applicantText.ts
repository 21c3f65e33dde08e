/** How the applicant's details read: countries by name, a date of birth with the age, documents and challenges in words. */

function displayNames(type: 'region' | 'language'): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames(undefined, { type });
  } catch {
    return undefined;
  }
}
const REGIONS = displayNames('region');
const LANGUAGES = displayNames('language');

/** `en` → `English`; a code the browser does not know stays as it is. */
export function languageText(code: string): string {
  try {
    return LANGUAGES?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** `GB` → `United Kingdom (GB)`; a code the browser does not know stays as it is. */
export function countryText(code: string): string {
  let name: string | undefined;
  try {
    name = REGIONS?.of(code.toUpperCase());
  } catch {
    name = undefined;
  }
  return name && name.toUpperCase() !== code.toUpperCase() ? `${name} (${code.toUpperCase()})` : code;
}

const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** `1990-01-31` → `31 Jan 1990 (age 36)`: a calendar date, the same in every time zone. */
export function dobText(dob: string, today = new Date()): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(dob);
  if (!match) return dob;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(date.getTime())) return dob;
  const birthdayPassed =
    today.getUTCMonth() + 1 > month || (today.getUTCMonth() + 1 === month && today.getUTCDate() >= day);
  const age = today.getUTCFullYear() - year - (birthdayPassed ? 0 : 1);
  return `${DAY.format(date)} (age ${age})`;
}

const DOCUMENT_TYPES: Record<string, string> = {
  passport: 'Passport',
  driving_license: 'Driving licence',
  national_identity_card: 'National identity card',
  residence_permit: 'Residence permit',
};

/** `driving_license` → `Driving licence`. */
export function documentTypeText(type: string): string {
  return DOCUMENT_TYPES[type] ?? sentenceCase(type);
}

/** `{type: 'recite_digits', value: '7462'}` → `Recite digits: 7462`. */
export function challengeText({ type, value }: { type: string; value: unknown }): string {
  const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  return shown === undefined || shown === '' ? sentenceCase(type) : `${sentenceCase(type)}: ${shown}`;
}

function sentenceCase(code: string): string {
  const spaced = code
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** What a face analysis needing attention means for the reviewer comparing the pictures. */
const FACE_ATTENTION: Record<string, string> = {
  'faceAnalysis.facialSimilarity':
    'Face match needs attention: ComplyCube found the face unlike the document photo. Compare them here.',
  'faceAnalysis.previouslyEnrolledFace':
    'Face needs attention: ComplyCube found this face enrolled before, possibly under another identity.',
};

/** The sentences for the face analyses among those needing attention, if any. */
export function faceAttention(attentionAnalyses: readonly string[]): string[] {
  return attentionAnalyses
    .filter((name) => name.startsWith('faceAnalysis.'))
    .map((name) => FACE_ATTENTION[name] ?? `Face analysis needs attention: ${name.slice('faceAnalysis.'.length)}.`);
}

import type { Check } from './schemas';

/**
 * The analyses of a completed check that need attention, as dotted paths such as
 * `databaseAnalysis.police` or `faceAnalysis.previouslyEnrolledFace`, so that a reviewer
 * sees why a check needs attention, not only that it does.
 *
 * Every verdict-valued field of each top-level analysis counts, including any that
 * ComplyCube adds later; the per-source `breakdown` arrays are evidence, not verdicts.
 */
export function attentionAnalyses(check: Check): string[] {
  const breakdown = check.result?.breakdown as Record<string, unknown> | undefined;
  if (!breakdown) return [];
  const paths: string[] = [];
  for (const [analysisName, analysis] of Object.entries(breakdown)) {
    if (typeof analysis !== 'object' || analysis === null) continue;
    for (const [field, verdict] of Object.entries(analysis as Record<string, unknown>)) {
      if (verdict === 'attention') paths.push(`${analysisName}.${field}`);
    }
  }
  return paths.sort();
}

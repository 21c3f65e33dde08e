/**
 * Recorded histories, one folder per released workflow build: `histories/<date>-<buildId>/`,
 * each with a `manifest.json` saying what recorded it. Folders are only ever added, never
 * rewritten: every history in every folder must replay against the current workflow code,
 * as it will have to in production when that build's runs meet the new code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const HISTORIES_DIR = path.join(__dirname, 'histories');

/** What a release folder's `manifest.json` holds. */
export interface ReleaseManifest {
  /** The workflow build ID (`worker/workflow-build.ts`) whose runs made these histories. */
  buildId: string;
  recordedAt: string;
  /** The commit the recording ran from, and whether the tree had uncommitted changes. */
  gitCommit?: string;
  gitDirty?: boolean;
  packageVersion: string;
  temporalSdkVersion: string;
  note?: string;
  /**
   * Set when no run of this build can be open or still retained any more, so its histories need
   * not replay: the step that lets a patch be deprecated (docs/versioning.md). Never set lightly.
   */
  retired?: {
    at: string;
    /** Why, e.g. the patch whose old branch was removed. */
    reason: string;
    /** The visibility query that found no run of this build, and when it was run. */
    evidence: string;
  };
}

export interface Release {
  name: string;
  dir: string;
  manifest: ReleaseManifest;
  /** Scenario names with a recorded history in this folder. */
  scenarios: string[];
}

/** Every release folder, oldest first. */
export function releases(): Release[] {
  if (!existsSync(HISTORIES_DIR)) return [];
  return (
    readdirSync(HISTORIES_DIR, { withFileTypes: true })
      // `.partial-*` is a recording in progress (or one that failed): not a release.
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => {
        const dir = path.join(HISTORIES_DIR, entry.name);
        const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ReleaseManifest;
        const scenarios = readdirSync(dir)
          .filter((file) => file.endsWith('.json') && file !== 'manifest.json')
          .map((file) => file.replace(/\.json$/, ''))
          .sort();
        return { name: entry.name, dir, manifest, scenarios };
      })
      .sort((a, b) => a.manifest.recordedAt.localeCompare(b.manifest.recordedAt))
  );
}

/** The folder a build's histories go to. */
export function releaseFolderName(buildId: string, recordedAt: Date): string {
  return `${recordedAt.toISOString().slice(0, 10)}-${buildId}`;
}

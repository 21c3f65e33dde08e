import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { z } from 'zod';
// As the worker's preload does: zod's settings first, then every module of the workflow code.
import { SHARED_LIBRARIES } from '../workflows/shared-libraries';
import { onboardingInputSchema, policyOverridesSchema, reviewUpdateSchema } from '../workflows/onboarding-contract';

/**
 * Since 0.11.0 every module of the workflow code is evaluated once per worker thread and shared by
 * all its runs (`workflows/shared-libraries.ts`); the SDK then freezes what the modules export.
 * Two things follow, and are held here: no module may keep state of its own, or one run would see
 * another's; and the shared schemas must work frozen.
 */
const WORKFLOWS = path.resolve(__dirname, '..', 'workflows');
/** The one module outside `workflows/` that workflow code imports for more than its types. */
const PRIMITIVES = path.resolve(__dirname, '..', 'complycube', 'primitives.ts');

function workflowSources(dir = WORKFLOWS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return workflowSources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const MUTABLE_COLLECTIONS = /^new (Map|Set|WeakMap|WeakSet)\b/;

/** Module-level declarations that would hold state shared by every run of a worker thread. */
function moduleState(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const { flags, declarations } = statement.declarationList;
    const isConst = (flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of declarations) {
      const name = declaration.name.getText(source);
      const line = source.getLineAndCharacterOfPosition(declaration.getStart(source)).line + 1;
      const where = `${path.relative(WORKFLOWS, file)}:${line} ${name}`;
      if (!isConst) found.push(`${where} (a module-level let or var)`);
      else if (declaration.initializer && MUTABLE_COLLECTIONS.test(declaration.initializer.getText(source))) {
        found.push(`${where} (a module-level collection: freezing does not stop it changing)`);
      }
    }
  }
  return found;
}

/** What the SDK does to shared modules: freezes every object reached by own properties; functions frozen, not entered. */
function freezeAsTheSdkDoes(value: unknown, seen = new WeakSet<object>()): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
  seen.add(value);
  if (typeof value === 'object') {
    for (const key of Reflect.ownKeys(value)) {
      try {
        freezeAsTheSdkDoes((value as Record<PropertyKey, unknown>)[key], seen);
      } catch {
        // The SDK skips what cannot be frozen (a typed array, for one).
      }
    }
  }
  Object.freeze(value);
}

const ID = 'a'.repeat(24);

describe('the workflow modules every run of a worker thread shares', () => {
  it('keep no state of their own', () => {
    const files = workflowSources();
    assert.ok(files.length > 30, `${files.length} workflow modules found`);
    assert.deepEqual(
      files.flatMap((file) => moduleState(file)),
      [],
    );
  });

  it('names a module that would keep state', () => {
    const module = [
      'let runs = 0;',
      'const seen = new Set<string>();',
      'const LIMIT = 10;',
      'export function counted() { const local = new Map(); let n = 0; return [local, n]; }',
    ].join('\n');
    assert.deepEqual(moduleState(path.join(WORKFLOWS, 'stateful.ts'), module), [
      'stateful.ts:1 runs (a module-level let or var)',
      'stateful.ts:2 seen (a module-level collection: freezing does not stop it changing)',
    ]);
  });

  it('validate payloads the same once frozen, as the SDK leaves them', () => {
    freezeAsTheSdkDoes(SHARED_LIBRARIES);
    assert.ok(Object.isFrozen(onboardingInputSchema) && Object.isFrozen(onboardingInputSchema._zod));
    const input = {
      clientId: ID,
      addressId: ID,
      documentId: ID,
      liveVideoId: ID,
      policy: { checkTimeout: '30m', reviewSla: '24h' },
    };
    // Twice each: zod rewrites some of a schema's parts on its first parse, which a frozen one refuses.
    for (let round = 0; round < 2; round += 1) {
      assert.equal(onboardingInputSchema.safeParse(input).success, true);
      const wrongId = onboardingInputSchema.safeParse({ ...input, clientId: 'not-an-id' });
      assert.equal(wrongId.success, false);
      assert.deepEqual(
        wrongId.error?.issues.map((issue) => issue.path.join('.')),
        ['clientId'],
      );
      const wrongDuration = policyOverridesSchema.safeParse({ reviewSla: 'a day' });
      assert.deepEqual(
        wrongDuration.error?.issues.map((issue) => issue.message),
        ['must be a duration such as 500ms, 30s, 15m, 24h or 30d'],
      );
      assert.equal(reviewUpdateSchema.safeParse({ decision: 'approve' }).success, false);
    }
  });

  it('leave every schema any of them exports usable once frozen', async () => {
    // The SDK freezes the exports of every preloaded module, not only those the preload names.
    const namespaces = (await Promise.all([...workflowSources(), PRIMITIVES].map((file) => import(file)))) as Record<
      string,
      unknown
    >[];
    freezeAsTheSdkDoes(namespaces);
    const schemas = namespaces
      .flatMap((namespace) => Object.entries(namespace))
      .filter((entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType);
    assert.ok(schemas.length > 20, `${schemas.length} schemas exported`);
    for (const [name, schema] of schemas) {
      for (let round = 0; round < 2; round += 1) {
        assert.doesNotThrow(() => schema.safeParse(undefined), `${name}, parse ${round + 1}`);
      }
    }
  });
});

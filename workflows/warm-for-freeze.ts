/**
 * Settles the lazily derived properties of objects the SDK is about to freeze.
 *
 * Modules evaluated before any workflow (the preload, `workflows/shared-libraries.ts`) are shared
 * by every workflow of a worker thread, and the SDK deep-freezes their exports. zod derives some
 * of a schema's properties on first read, through accessors on its prototypes that then define a
 * property on the schema itself; on a frozen schema that definition throws. Reading every such
 * accessor once, with each reachable object as the receiver, leaves the derived values in place
 * before the freeze, so a shared schema is never written again. The walk also makes each regular
 * expression it finds in a property one that is served fresh on every read (`servedFresh`). It
 * follows what the freeze follows: own properties of objects; functions are frozen, not entered.
 */

/** Prototypes of the language's own types: their accessors derive nothing on the receiver. */
const BUILT_IN_PROTOTYPES: readonly unknown[] = [
  Object.prototype,
  Function.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  WeakMap.prototype,
  WeakSet.prototype,
  Promise.prototype,
  RegExp.prototype,
  Date.prototype,
  Error.prototype,
];

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** The values of the accessors on `value`'s own prototypes, read with `value` as the receiver. */
function derivedValues(value: object): unknown[] {
  const derived: unknown[] = [];
  let proto: unknown = Object.getPrototypeOf(value);
  while (isObject(proto) && !BUILT_IN_PROTOTYPES.includes(proto)) {
    for (const key of Reflect.ownKeys(proto)) {
      if (!Object.getOwnPropertyDescriptor(proto, key)?.get) continue;
      try {
        derived.push(Reflect.get(proto, key, value));
      } catch {
        // An accessor that does not apply to this receiver derives nothing on it.
      }
    }
    proto = Object.getPrototypeOf(proto);
  }
  return derived;
}

/**
 * A regular expression kept in a property: zod resets its `lastIndex` before each test, which a
 * frozen one refuses. The property serves a new copy on every read instead, so the freeze takes a
 * copy and every test gets one of its own; the compiled pattern is cached by the engine, so a copy
 * costs little. A property that cannot be redefined is left as it is.
 */
function servedFresh(holder: object, key: PropertyKey, pattern: RegExp): void {
  const descriptor = Object.getOwnPropertyDescriptor(holder, key);
  if (!descriptor?.configurable || !('value' in descriptor)) return;
  Object.defineProperty(holder, key, {
    enumerable: descriptor.enumerable,
    configurable: false,
    get: () => new RegExp(pattern),
  });
}

/** Reads every lazily derived property reachable from `root`, so freezing it later is safe. */
export function settleLazyProperties(root: unknown): void {
  const seen = new WeakSet<object>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (!isObject(value) || seen.has(value)) continue;
    seen.add(value);
    pending.push(...derivedValues(value));
    for (const key of Reflect.ownKeys(value)) {
      try {
        const own = (value as Record<PropertyKey, unknown>)[key];
        if (own instanceof RegExp) servedFresh(value, key, own);
        else pending.push(own);
      } catch {
        // An own accessor that throws is read by the freeze the same way, and skipped there too.
      }
    }
  }
}

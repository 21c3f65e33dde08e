/**
 * A compile-time check that a response schema's type and the contract's type are the same shape
 * (each assignable to the other): `sameShape<A, B>(true)` does not compile when they drift.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export function sameShape<A, B>(same: Same<A, B>): void {
  void same;
}

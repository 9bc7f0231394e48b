/**
 * The mark of a Map function that pairs each element with one constant value, `(e) => [e, v]`
 * (Count.PerElement's PairWithOne), which the executor may lift into the combine it feeds.
 */
export const PAIRS_WITH = Symbol("beamlab.pairsWith");

/** The constant a marked pairing function pairs with, or undefined for any other function. */
export function pairedValue(fn: unknown): { readonly value: unknown } | undefined {
  return typeof fn === "function" ? (fn as { [PAIRS_WITH]?: { value: unknown } })[PAIRS_WITH] : undefined;
}

/**
 * Objects that build their own display bundle (charts do); `beam.show` calls this method.
 */
export const DISPLAY_SYMBOL = Symbol.for("beamlab.display");

export interface Displayable {
  [DISPLAY_SYMBOL](): Promise<Record<string, unknown>> | Record<string, unknown>;
}

export function isDisplayable(x: unknown): x is Displayable {
  return !!x && typeof (x as Displayable)[DISPLAY_SYMBOL] === "function";
}

/**
 * Points as every report prints them: rounded to hundredths, so a third of a point is 0.33
 * and floating-point noise (0.1 + 0.2) never reaches a spreadsheet or a student.
 */

/** `n` rounded to 2 decimals (0 for anything not finite, and never -0). */
export function roundPoints(n: number): number {
  if (!Number.isFinite(n)) return 0;
  // EPSILON: 1.005 is stored as 1.00499…, which would round down.
  const r = Math.round((n + Math.sign(n) * Number.EPSILON) * 100) / 100;
  return r === 0 ? 0 : r;
}

/** Points as text without trailing zeros: `3`, `2.5`, `0.33`. */
export function formatPoints(n: number): string {
  return String(roundPoints(n));
}

/** `2.5 / 3 points`, `1 / 1 point`. */
export function pointsOutOf(points: number, max: number): string {
  return `${formatPoints(points)} / ${formatPoints(max)} ${roundPoints(max) === 1 ? "point" : "points"}`;
}

/**
 * The Beam TypeScript SDK narrates its work on the console ("Preparing job.", "Processing
 * <bundle> for <instruction>", every split request, "PROCESS ERROR" with a stack): in a
 * notebook that buries the output of the cell. While a portable job runs, those lines are
 * dropped; every other console call (a DoFn's, the student's) goes through as before.
 */
import { report } from "../run-scope";

/** What the SDK prints at its first argument (its messages are fixed strings). */
const SDK_LINES = [
  "Starting loopback workers at ",
  "Server bound on port",
  "Preparing job.",
  "Staging artifacts",
  "Running job.",
  "Shutting down external workers.",
  "Processing ",
  "PROCESS ERROR",
  "Control channel closed.",
  "unary() got error:",
  "Unknown instruction type",
];

type Method = "log" | "info" | "debug" | "warn" | "error";
const METHODS: Method[] = ["log", "info", "debug", "warn", "error"];
/** run-scope's mark of a console method that already routes DoFn lines to their step. */
const ROUTED = Symbol.for("beamlab.routedConsole");

let depth = 0;
let saved: Partial<Record<Method, (...args: unknown[]) => void>> = {};

/**
 * Drops the SDK's own console lines until the returned function is called. The filter
 * also routes a DoFn's lines to its step (as run-scope's console does, and marked so that
 * run-scope does not wrap it again), so the two never call each other in a loop.
 */
export function quietSdk(): () => void {
  if (depth++ === 0) {
    saved = {};
    for (const m of METHODS) {
      const previous = console[m];
      saved[m] = previous;
      const filtered = (...args: unknown[]) => {
        if (isSdkLine(m, args)) return;
        if (m !== "debug" && report(m, args)) return;
        previous.apply(console, args);
      };
      console[m] = Object.assign(filtered, { [ROUTED]: true as const });
    }
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--depth === 0) for (const m of METHODS) console[m] = saved[m]!;
  };
}

function isSdkLine(method: Method, args: unknown[]): boolean {
  const first = args[0];
  if (typeof first === "string") return SDK_LINES.some((l) => first.startsWith(l));
  // The worker logs some control requests as the request object (and a split request with a boolean).
  return method === "log" && typeof first === "object" && first !== null && ("instructionId" in first || (args.length === 2 && typeof args[1] === "boolean"));
}

import test from "node:test";
import assert from "node:assert/strict";
import { resultsMarkdown } from "../bench/peers/report";
import type { CaseRun } from "../bench/peers/run-case";

/** A measured case of the peers benchmark, as RESULTS.json keeps it. */
const run = (engine: CaseRun["engine"], machine: string | undefined, measuredAt: string): CaseRun => ({
  engine,
  case: "teacher",
  rows: 10_000,
  runs: [10],
  medianMs: 10,
  startupMs: 1,
  maxRssMiB: 100,
  timedOut: null,
  digest: null,
  error: null,
  measuredAt,
  ...(machine === undefined ? {} : { machine }),
});

const report = (runs: CaseRun[]) => resultsMarkdown(runs, { commands: ["a", "b"], busy: "", charts: {}, merged: true });

test("a merged peers report says when engines were measured on different machines, and on which", () => {
  const two = report([run("loop", "2 × AMD EPYC, 24 GiB", "2026-12-03T14:00:00Z"), run("beamlab-direct", "2 × Intel Xeon, 24 GiB", "2026-12-02T15:00:00Z")]);
  assert.match(two, /on 2 machines/);
  assert.match(two, /compares the machines too/);
  assert.match(two, /- TypeScript loop: 2026-12-03 14:00 to 2026-12-03 14:00 \(2 × AMD EPYC, 24 GiB\)/);
  assert.match(two, /- beamlab direct: 2026-12-02 15:00 to 2026-12-02 15:00 \(2 × Intel Xeon, 24 GiB\)/);
  const unrecorded = report([run("loop", "2 × AMD EPYC, 24 GiB", "2026-12-03T14:00:00Z"), run("beamlab-direct", undefined, "2026-12-02T15:00:00Z")]);
  assert.match(unrecorded, /machine not recorded/);
  const one = report([run("loop", "m", "2026-12-03T14:00:00Z"), run("beamlab-direct", "m", "2026-12-03T14:05:00Z")]);
  assert.match(one, /on the same machine and input files/);
  assert.doesNotMatch(one, /compares the machines/);
});

/**
 * Child process of the memory benchmarks: `node dist/test/bench/memory-child.js <text|class> <in> <out>`
 * runs, with the direct runner, either ReadFromText → Map → WriteToText over a text file or
 * the class pipeline (ReadFromCsv → split → GroupByKey → WriteToText, `classFromCsv`) over a
 * class CSV, and prints one JSON line with its peak RSS (`process.resourceUsage().maxRSS`,
 * KiB) and wall time.
 */
import * as beam from "../../lib";
import { classFromCsv } from "../course/pipelines";

async function main(): Promise<void> {
  const [mode, input, out] = process.argv.slice(2);
  if ((mode !== "text" && mode !== "class") || !input || !out) {
    process.stderr.write("usage: memory-child.js <text|class> <in> <out>\n");
    process.exit(2);
  }
  const t0 = performance.now();
  const p = new beam.Pipeline({ runner: "direct" });
  if (mode === "class") classFromCsv(p, input, out);
  else {
    p.apply("Read", beam.io.ReadFromText(input))
      .apply("Clean", beam.Map((line: string) => line.trim().toUpperCase()))
      .apply("Write", beam.io.WriteToText(out));
  }
  await p.run();
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ maxRSSKiB: process.resourceUsage().maxRSS, ms }) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

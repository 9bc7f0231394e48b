/**
 * Child process of the memory benchmark: `node dist/test/bench/text-child.js <in> <outPrefix>`
 * runs ReadFromText → Map → WriteToText with the direct runner and prints one JSON line with
 * its peak RSS (`process.resourceUsage().maxRSS`, KiB) and wall time.
 */
import * as beam from "../../lib";

async function main(): Promise<void> {
  const [input, out] = process.argv.slice(2);
  if (!input || !out) {
    process.stderr.write("usage: text-child.js <in> <outPrefix>\n");
    process.exit(2);
  }
  const t0 = performance.now();
  const p = new beam.Pipeline({ runner: "direct" });
  p.apply("Read", beam.io.ReadFromText(input))
    .apply("Clean", beam.Map((line: string) => line.trim().toUpperCase()))
    .apply("Write", beam.io.WriteToText(out));
  await p.run();
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ maxRSSKiB: process.resourceUsage().maxRSS, ms }) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

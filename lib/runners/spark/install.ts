/**
 * The Python side of the Spark runner: a virtual environment of its own (`.venv-spark`, not
 * the JupyterLab one) with a pinned pyspark, which brings Spark's jars and `bin/spark-class`
 * (Java 17 runs them). `npm run bootstrap -- --spark` makes it ahead of time; the runner and
 * the tests call the same `installSpark`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { error } from "../../errors";

/** The pyspark release installed (what PyPI serves as the newest 4.x). */
export const PYSPARK_VERSION = "4.3.0";

/** The project root (this module is dist/lib/runners/spark/install.js). */
export const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const VENV = path.join(ROOT, ".venv-spark");
const STAMP = path.join(VENV, "beamlab-pyspark-version");

/** The Python of the Spark environment: `BEAMLAB_SPARK_PYTHON`, else `.venv-spark/bin/python`. */
export function sparkPython(): string {
  return process.env.BEAMLAB_SPARK_PYTHON ?? path.join(VENV, "bin", "python");
}

/** Where pyspark's Spark distribution is (its `bin/spark-class`, its `jars`). */
export function sparkHome(): string {
  const r = spawnSync(sparkPython(), ["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"], { encoding: "utf8" });
  if (r.status !== 0) error("pyspark is not installed", { hint: "run npm run bootstrap -- --spark." });
  return r.stdout.trim();
}

/**
 * Makes `.venv-spark` with pyspark unless it is there at the pinned version; returns its
 * Python. A minute or two the first time (pyspark is a large download), instant after.
 */
export function installSpark(log: (line: string) => void = () => undefined): string {
  const python = sparkPython();
  if (process.env.BEAMLAB_SPARK_PYTHON) return python;
  if (fs.existsSync(python) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8").trim() === PYSPARK_VERSION) return python;
  const run = (cmd: string, args: string[]) => {
    log(`${path.basename(cmd)} ${args.join(" ")}`);
    const r = spawnSync(cmd, args, { encoding: "utf8", cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    if (r.error || r.status !== 0) {
      error("Installing pyspark for the Spark runner failed", {
        cause: r.error ?? new Error((r.stderr || r.stdout || "").trim().split("\n").slice(-8).join("\n")),
        hint: "the Spark runner needs Python 3 with venv and access to PyPI; or point BEAMLAB_SPARK_PYTHON at a Python that has pyspark.",
      });
    }
  };
  if (!fs.existsSync(python)) run(process.env.BEAMLAB_PYTHON ?? "python3", ["-m", "venv", VENV]);
  run(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", `pyspark==${PYSPARK_VERSION}`]);
  fs.writeFileSync(STAMP, `${PYSPARK_VERSION}\n`);
  return python;
}

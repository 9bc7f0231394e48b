/**
 * The files `beamlab init` writes into a new course folder that are not copied from the
 * package: its package.json, tsconfig.json, README for students, .gitignore and, when the
 * course notebooks are not wanted, a first notebook.
 */

/** What a course folder is made from. */
export interface CourseTemplate {
  /** The npm package name of the course (from the folder's name). */
  name: string;
  /** The version range or `file:` tarball the course depends on beamlab with. */
  beamlab: string;
  withCourseNotebooks: boolean;
  withAssignment: boolean;
}

/** The folder's name made into a valid npm package name (lower case, no spaces). */
export function courseName(folderName: string): string {
  const name = folderName.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+|[-]+$/g, "");
  return name.slice(0, 214) || "beamlab-course";
}

/** package.json: `npm start` opens JupyterLab, `npm test` runs every notebook. */
export function packageJson(t: CourseTemplate): string {
  const pkg = {
    name: t.name,
    version: "0.1.0",
    private: true,
    description: "A course with beamlab: Beam-style pipelines in TypeScript, cell by cell in JupyterLab.",
    scripts: {
      start: "beamlab start",
      test: "beamlab test",
    },
    dependencies: { beamlab: t.beamlab },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

/**
 * tsconfig.json: the compiler options tslab compiles notebook cells with (it ignores this
 * file), so an editor and `npx tsc` check `.ts` files next to the notebooks the same way.
 */
export function tsconfigJson(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "commonjs",
      moduleResolution: "node10",
      lib: ["ES2022"],
      types: ["node"],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      declaration: true,
      noEmit: true,
    },
    include: ["notebooks/**/*.ts", "*.ts"],
    exclude: ["node_modules"],
  };
  return JSON.stringify(config, null, 2) + "\n";
}

/** .gitignore: what `npm start` and `npm test` make, and what graders write. */
export function gitignore(): string {
  return [
    "node_modules/",
    ".venv/",
    ".bootstrap/",
    "*.duckdb",
    "*.duckdb.wal",
    "out/",
    ".ipynb_checkpoints/",
    "build/",
    "grades/",
    "",
  ].join("\n");
}

/** The README students read first: the two commands, where things are. */
export function readme(t: CourseTemplate): string {
  const notebooks = t.withCourseNotebooks
    ? "- `notebooks/01-hello-world.ipynb` … `06-check-the-result.ipynb`: the course notebooks, in order;\n"
    : "- `notebooks/00-start.ipynb`: a first notebook (add yours next to it, or in subfolders);\n";
  const assignment = t.withAssignment
    ? "- `notebooks/assignments/a1-college-cleanup/`: a graded assignment (its README says how it is built and graded);\n"
    : "";
  return `# ${t.name}

Data pipelines in TypeScript, cell by cell in JupyterLab, with
[beamlab](https://www.npmjs.com/package/beamlab) (Apache Beam's model: \`ParDo\`, \`GroupByKey\`, ...).

## Get started

You need Node 20 (with npm) and Python 3.9 or newer (with \`venv\`; on Debian:
\`apt-get install python3-venv\`).

\`\`\`sh
npm install   # beamlab and the TypeScript kernel
npm start     # the first time: a .venv with JupyterLab (a few minutes); then JupyterLab opens
\`\`\`

\`npm start\` prints the URL to open; Ctrl+C stops JupyterLab. In a notebook, pick the
**TypeScript** kernel and start with

\`\`\`ts
import * as beam from "beamlab";
\`\`\`

## What is where

${notebooks}${assignment}- \`datasets/college/\`: the college data set (\`staging/\` raw, \`normalized/\` clean), loaded into the
  warehouse \`notebooks/warehouse.duckdb\` by \`npm start\` (\`beam.warehouse.open()\` opens it).

## Check everything runs

\`\`\`sh
npm test      # runs every notebook headless${t.withAssignment ? " and grades the assignment's sample submissions" : ""}
\`\`\`

It works on a copy of the warehouse and writes the executed notebooks to a temporary folder,
so your notebooks and data stay as they are.
`;
}

/** The first notebook of a course without the course notebooks: a pipeline in three cells. */
export function startNotebook(): string {
  const code = (id: string, source: string) => ({ cell_type: "code", id, metadata: {}, source, outputs: [], execution_count: null });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: [
      { cell_type: "markdown", id: "intro", metadata: {}, source: "# A first pipeline\n\nRun each cell with Shift+Enter; every PCollection shows as a table." },
      code("import", 'import * as beam from "beamlab";\n\nconst p = new beam.Pipeline({ name: "start" });'),
      code("words", 'const words = p.apply("Create", beam.Create(["beam", "lab", "beam"]));\nawait beam.show(words);'),
      code("counts", 'const counts = words\n  .apply("Pair", beam.Map((w: string): [string, number] => [w, 1]))\n  .apply("Count", beam.CombinePerKey((ones: number[]) => ones.length));\nawait beam.show(counts);'),
    ],
  };
  return JSON.stringify(nb, null, 1) + "\n";
}

// Where beamlab's two folders are, for the CLI (bin/beamlab.js) and the bootstrap:
//
// - the package: bin/, dist/, scripts/, the shipped wheel (this repository, or
//   <course>/node_modules/beamlab after `npm install beamlab`);
// - the project: the folder whose .venv, .bootstrap/, notebooks/ and datasets/ they work on
//   (this repository, or the course folder that installed beamlab).
//
// CommonJS, so the CLI can require it and the ES-module scripts can import it.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const PACKAGE = path.resolve(__dirname, "..");

/** True when `dir/package.json` lists beamlab as a dependency (a course folder). */
function dependsOnBeamlab(dir) {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    return pkg.name !== "beamlab" && !!(pkg.dependencies?.beamlab || pkg.devDependencies?.beamlab);
  } catch {
    return false;
  }
}

/**
 * The project folder: `$BEAMLAB_PROJECT`; else the nearest folder at or above `cwd` whose
 * package.json depends on beamlab (so a course that links beamlab from elsewhere still gets
 * its own .venv); else the folder whose node_modules holds this package; else the package.
 */
function projectRoot(cwd = process.cwd()) {
  if (process.env.BEAMLAB_PROJECT) return path.resolve(process.env.BEAMLAB_PROJECT);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (dependsOnBeamlab(dir)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  const parent = path.dirname(PACKAGE);
  return path.basename(parent) === "node_modules" ? path.dirname(parent) : PACKAGE;
}

module.exports = { PACKAGE, projectRoot };

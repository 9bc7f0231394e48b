// Every file below a directory (missing directories are empty), for the scripts that
// hash, prune or list trees.
import fs from "node:fs";
import path from "node:path";

/** Paths of the files (and symlinks) below `dir`, sorted; directories named in `skipDirs` are pruned. */
export function filesBelow(dir, skipDirs = new Set(["node_modules", ".git"])) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!skipDirs.has(e.name)) walk(p);
      } else if (e.isFile() || e.isSymbolicLink()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

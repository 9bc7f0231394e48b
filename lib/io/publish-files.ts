/**
 * Renames staged files into place as one step that can be undone: a target that already
 * exists is first moved aside (kept as a backup beside it), so that a failure part way, or
 * a later failure of the run's commit, puts every target back exactly as it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { error, PipelineError } from "../errors";

/** One staged file and where it goes. */
export interface FileMove {
  readonly staged: string;
  readonly target: string;
  /** The sink's transform label, for errors. */
  readonly label: string;
}

/** Files in place, until the publication is finished or undone. */
export interface PublishedFiles {
  /**
   * Puts every target back as it was (new files go back to their staged names, backups to
   * their targets). Never throws; returns what it could not restore, each with where its old
   * content is, for the error message.
   */
  undo(): string[];
  /** Deletes the backups: the new files are final. */
  finish(): void;
}

/**
 * Refuses, before anything changes, moves that cannot all succeed: two sinks writing one
 * file (the second would silently replace the first), and a target that is a folder.
 */
export function checkMoves(moves: readonly FileMove[]): void {
  const byTarget = new Map<string, FileMove>();
  for (const m of moves) {
    const target = path.resolve(m.target);
    const other = byTarget.get(target);
    if (other) {
      error(`Two sinks write the same file ${m.target}: "${other.label}" and "${m.label}"`, {
        label: m.label,
        hint: "give each WriteToText its own prefix (or shard names); nothing was written.",
      });
    }
    byTarget.set(target, m);
    let isDir = false;
    try {
      isDir = fs.statSync(target).isDirectory();
    } catch {
      // Absent: it will be created.
    }
    if (isDir) error(`Cannot write ${m.target}: it is a folder`, { label: m.label, hint: "remove the folder or write to another prefix; nothing was written." });
  }
}

/** Renames every staged file onto its target; on failure, undoes the renames done and throws naming the file. */
export function publishFiles(moves: readonly FileMove[]): PublishedFiles {
  const journal: ({ kind: "aside"; target: string; backup: string } | { kind: "placed"; target: string; staged: string })[] = [];
  const undo = (): string[] => {
    const lost: string[] = [];
    for (const step of journal.splice(0).reverse()) {
      try {
        if (step.kind === "placed") fs.renameSync(step.target, step.staged);
        else fs.renameSync(step.backup, step.target);
      } catch {
        lost.push(step.kind === "aside" ? `${step.target} (its old content is in ${step.backup})` : step.target);
      }
    }
    return lost;
  };
  for (const m of moves) {
    try {
      if (exists(m.target)) {
        const backup = path.join(path.dirname(path.resolve(m.target)), `.${path.basename(m.target)}.beamlab-${process.pid}-${Math.random().toString(36).slice(2)}.bak`);
        fs.renameSync(m.target, backup);
        journal.push({ kind: "aside", target: m.target, backup });
      }
      fs.renameSync(m.staged, m.target);
      journal.push({ kind: "placed", target: m.target, staged: m.staged });
    } catch (e) {
      const lost = undo();
      throw new PipelineError(`Cannot put ${m.target} in place`, {
        label: m.label,
        cause: e,
        hint: lost.length
          ? `these files could not be restored: ${lost.join(", ")}; restore them by hand, then run again.`
          : "no file and no table was changed; check that the folder is writable (and the file not open elsewhere), then run again.",
      });
    }
  }
  return {
    undo,
    finish() {
      for (const step of journal.splice(0)) {
        try {
          if (step.kind === "aside") fs.rmSync(step.backup, { force: true });
        } catch {
          // A backup left behind is harmless (a hidden file); the run succeeded.
        }
      }
    },
  };
}

function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

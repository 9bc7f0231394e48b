/**
 * Publishes what every sink of a run staged, as one group: either all of it becomes
 * visible, or nothing changes.
 *
 * 1. Check everything that can be checked without changing anything (two sinks writing one
 *    file, a target that is a folder).
 * 2. Apply every table write, in one transaction per warehouse file (all the WriteToTables
 *    into one file share it), without committing: a table that is not empty for
 *    WRITE_EMPTY, a value the table's column cannot hold, fails here.
 * 3. Rename every staged file into place, moving existing targets aside.
 * 4. Commit the transactions.
 *
 * A failure in 2-4 rolls back the transactions and puts every file back. The one gap: with
 * sinks in two different warehouse files, a COMMIT that fails after another file's COMMIT
 * succeeded cannot undo that one (DuckDB cannot commit two files at once); the error says so.
 */
import * as path from "node:path";
import { PipelineError } from "../errors";
import { beginTransaction, type TableWrite, type WarehouseTransaction } from "../warehouse/transaction";
import { checkMoves, publishFiles, type FileMove, type PublishedFiles } from "./publish-files";
import type { StagedOutput } from "./source-sink";

/** Publishes the staged outputs of a run's sinks all together, or none of them (see the module comment). */
export async function publishAll(staged: readonly StagedOutput[]): Promise<void> {
  const moves: FileMove[] = [];
  const byWarehouse = new Map<string, TableWrite[]>();
  for (const s of staged) {
    if (s.kind === "files") for (const f of s.files) moves.push({ ...f, label: s.label });
    else {
      const file = path.resolve(s.warehouse);
      if (!byWarehouse.has(file)) byWarehouse.set(file, []);
      byWarehouse.get(file)!.push(s.write);
    }
  }
  checkMoves(moves);
  const txs: WarehouseTransaction[] = [];
  const committed: string[] = [];
  let files: PublishedFiles | null = null;
  try {
    for (const [file, writes] of [...byWarehouse].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const tx = await beginTransaction(file, writes[0].label);
      txs.push(tx);
      for (const w of writes) await tx.apply(w);
    }
    files = publishFiles(moves);
    for (const tx of txs) {
      await tx.commit().catch((e) => {
        throw new PipelineError(`Committing the tables written to ${tx.file} failed`, {
          label: byWarehouse.get(tx.file)![0].label,
          cause: e,
          hint: committed.length
            ? `the tables in ${committed.join(", ")} were committed before it and stay written; every other table and file is unchanged. Run again when the warehouse is free.`
            : "no table and no file was changed; run again when the warehouse is free (close other programs writing to it).",
        });
      });
      committed.push(tx.file);
    }
  } catch (e) {
    const lost = files?.undo() ?? [];
    for (const tx of txs) await tx.rollback();
    if (lost.length) {
      throw new PipelineError("Publishing the run's output failed, and some files could not be put back", {
        label: e instanceof PipelineError ? e.label : null,
        cause: e,
        hint: `restore these by hand: ${lost.join(", ")}.`,
      });
    }
    throw e;
  }
  files.finish();
}

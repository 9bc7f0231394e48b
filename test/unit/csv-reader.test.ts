/**
 * The CSV reader against csv-parse, the parser it hands the rest of a piece to from a line with
 * quotes it does not take apart itself: on generated files (quoted and unquoted fields, empty
 * ones, commas, quotes and line breaks inside quotes, quoted fields of simple text, LF
 * or CRLF or CR, a BOM, blank lines, ragged rows, a stray or unclosed quote) read a few bytes
 * at a time, both give the same records or both refuse the file.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { parse as parseSync } from "csv-parse/sync";
import { readCsvFile, type CsvRecord } from "../../lib/io/csv-parser";
import { tmpDir, writeFile } from "./helpers";

/** csv-parse alone, cast so that a quoted "" stays "" and an unquoted empty field is null. */
function reference(text: string): CsvRecord[] | "refused" {
  let rows: (string | null)[][];
  try {
    rows = parseSync(text, { bom: true, skip_empty_lines: true, cast: (v, c) => (v === "" && !c.quoting ? null : v) }) as (string | null)[][];
  } catch {
    return "refused";
  }
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
}

async function ours(file: string, readBytes: number): Promise<CsvRecord[] | "refused"> {
  const out: CsvRecord[] = [];
  try {
    for await (const batch of readCsvFile(file, { label: "Read", readBytes, batchSize: 7 })) out.push(...batch);
  } catch {
    return "refused";
  }
  return out;
}

const plain = fc.stringMatching(/^[a-zé ;]{0,4}$/);
const quoted = fc.stringMatching(/^[a-z,"\r\n ]{0,5}$/).map((s) => `"${s.replace(/"/g, '""')}"`);
/** A quoted field of the kind the reader takes apart itself (no quote or line break inside). */
const simplyQuoted = fc.stringMatching(/^[a-z, ]{1,5}$/).map((s) => `"${s}"`);
const field = fc.oneof({ weight: 3, arbitrary: plain }, { weight: 2, arbitrary: quoted }, { weight: 2, arbitrary: simplyQuoted });
const csvFile = fc
  .record({
    columns: fc.integer({ min: 1, max: 4 }),
    rows: fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 12 }),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
    bom: fc.boolean(),
    blank: fc.boolean(),
    finalEol: fc.boolean(),
    ragged: fc.boolean(),
    stray: fc.constantFrom("", "", "", 'x"y', '"open', '"ab"c', ' "ab"', '"a"b"', '"a","'),
  })
  .map(({ columns, rows, eol, bom, blank, finalEol, ragged, stray }) => {
    const header = Array.from({ length: columns }, (_, i) => `c${i}`);
    // Most rows fit the header; a ragged file keeps its rows as generated.
    const body = rows.map((r) => (ragged ? r : Array.from({ length: columns }, (_, i) => r[i % r.length])));
    if (stray) body.push([stray]);
    const lines = [header.join(","), ...body.map((r) => r.join(","))];
    if (blank && lines.length > 1) lines.splice(1, 0, "");
    return (bom ? "\uFEFF" : "") + lines.join(eol) + (finalEol ? eol : "");
  });

test("the CSV reader gives csv-parse's records, or refuses what it refuses, whatever the read size", async () => {
  const dir = tmpDir();
  let n = 0;
  await fc.assert(
    fc.asyncProperty(csvFile, fc.integer({ min: 1, max: 9 }), async (text, readBytes) => {
      const file = writeFile(dir, `f${n++}.csv`, text);
      assert.deepEqual(await ours(file, readBytes), reference(text));
    }),
    { numRuns: 400 },
  );
});

test("a file without quotes (the fast path) and the same file with one quoted field read alike", async () => {
  const dir = tmpDir();
  const rows = Array.from({ length: 3000 }, (_, i) => `${i},name ${i},${i % 3 === 0 ? "" : "x"}`);
  const plainFile = writeFile(dir, "plain.csv", ["id,name,tag", ...rows].join("\r\n") + "\r\n");
  const withQuote = writeFile(dir, "quoted.csv", ["id,name,tag", ...rows.slice(0, 1500), '1500,"name 1500",', ...rows.slice(1501)].join("\r\n") + "\r\n");
  const a = await ours(plainFile, 1000);
  const b = await ours(withQuote, 1000);
  assert.notEqual(a, "refused");
  assert.equal((a as CsvRecord[]).length, 3000);
  assert.deepEqual((a as CsvRecord[])[3], { id: "3", name: "name 3", tag: null });
  assert.deepEqual(b, a);
});

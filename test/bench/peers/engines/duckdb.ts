/**
 * DuckDB SQL over the same files (what a SQL user would pick): read_csv, the
 * course's rules as SQL expressions, and COPY of the canonical lines (json_array) to text.
 * One in-memory database per case; DuckDB uses every core it is given.
 */
import * as path from "node:path";
import { INPUT, type CaseName } from "../cases";
import type { Engine } from "./engine";

type Connection = { run(sql: string): Promise<unknown> };
let open: () => Promise<Connection>;

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const csv = (input: string, c: CaseName) => `read_csv(${q(path.join(input, INPUT[c]))}, header = true, all_varchar = true)`;

/** The course's name split (splitInstructor) in SQL. */
const SPLIT = `
  WITH t AS (SELECT tid, trim(instructor) AS name, dept FROM __SRC__),
  s AS (SELECT tid, dept, name, strpos(name, ',') AS comma, strpos(name, ' ') AS space FROM t)
  SELECT tid, dept,
    CASE WHEN name IS NULL THEN NULL WHEN comma > 0 THEN trim(substr(name, comma + 1)) WHEN space = 0 THEN name ELSE substr(name, 1, space - 1) END AS fname,
    CASE WHEN name IS NULL THEN NULL WHEN comma > 0 THEN trim(substr(name, 1, comma - 1)) WHEN space = 0 THEN NULL ELSE trim(substr(name, space + 1)) END AS lname
  FROM s`;

const MONTH = `CASE lower(regexp_extract(d, '^([A-Za-z]{3})-', 1)) ${["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
  .map((m, i) => `WHEN '${m}' THEN '${String(i + 1).padStart(2, "0")}'`)
  .join(" ")} END`;

/** The course's date rewrite (formatDob) in SQL, over `d` = trim(dob). */
const FORMAT_DOB = `
  CASE WHEN dob IS NULL THEN NULL
    WHEN regexp_full_match(d, '\\d{4}-\\d{2}-\\d{2}') THEN d
    WHEN regexp_full_match(d, '\\d{1,2}/\\d{1,2}/\\d{4}') THEN regexp_extract(d, '(\\d+)/(\\d+)/(\\d+)', 3) || '-' || lpad(regexp_extract(d, '(\\d+)/', 1), 2, '0') || '-' || lpad(regexp_extract(d, '/(\\d+)/', 1), 2, '0')
    WHEN regexp_full_match(d, '[A-Za-z]{3}-\\d{1,2}-\\d{4}') AND ${MONTH} IS NOT NULL THEN regexp_extract(d, '-(\\d{4})$', 1) || '-' || ${MONTH} || '-' || lpad(regexp_extract(d, '-(\\d+)-', 1), 2, '0')
    ELSE dob END`;

async function copy(con: Connection, select: string, out: string, name: string): Promise<void> {
  await con.run(`COPY (${select}) TO ${q(path.join(out, name))} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')`);
}

export const duckdb: Engine = {
  name: "DuckDB SQL",
  async load() {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    open = async () => (await DuckDBInstance.create(":memory:")).connect();
  },
  async run(c, input, out) {
    const con = await open();
    if (c === "teacher") {
      await con.run(`CREATE TEMP TABLE teachers AS ${SPLIT.replace("__SRC__", csv(input, c))}`);
      await copy(con, "SELECT json_array(tid, fname, lname, dept)::VARCHAR FROM teachers", out, "teachers");
      await copy(con, "SELECT json_array(dept, count(*))::VARCHAR FROM teachers GROUP BY dept", out, "perDept");
    } else if (c === "student") {
      await copy(con, `SELECT json_array(sid, fname, lname, ${FORMAT_DOB}, status)::VARCHAR FROM (SELECT *, trim(dob) AS d FROM ${csv(input, c)})`, out, "students");
    } else if (c === "class") {
      await con.run(`CREATE TEMP TABLE r AS SELECT * FROM ${csv(input, c)} WHERE cno IS NOT NULL`);
      await copy(con, "SELECT json_array(sid, cno, grade)::VARCHAR FROM r WHERE sid IS NOT NULL", out, "takes");
      await copy(con, "SELECT min(json_array(cno, cname, TRY_CAST(credits AS INTEGER))::VARCHAR) FROM r GROUP BY cno", out, "classes");
    } else {
      await copy(
        con,
        // Lines as a one-column CSV without quotes: read_csv splits the file across threads
        // (read_text + string_split would make one huge list, on one thread).
        `SELECT json_array(w, count(*))::VARCHAR FROM (SELECT unnest(regexp_split_to_array(lower(l), '[^a-z0-9]+')) AS w
           FROM read_csv(${q(path.join(input, INPUT.words))}, columns = {'l': 'VARCHAR'}, header = false, delim = '\x01', quote = '', escape = '', auto_detect = false)) WHERE w <> '' GROUP BY w`,
        out,
        "counts",
      );
    }
  },
};

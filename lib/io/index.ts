/** Reading and writing: `beam.io`. */
export { ReadFromText, WriteToText, type WriteToTextOptions } from "./text";
export { ReadFromCsv, type ReadFromCsvOptions } from "./csv";
export { ReadFromSQL, WriteToTable, type ReadFromSQLOptions, type WriteToTableOptions } from "./sql";

/**
 * `;`-separated text as records, through csv-parse (RFC 4180 and what spreadsheets and Apogée write):
 * quoted fields may hold the separator, doubled quotes and line breaks; a BOM and CRLF or LF line ends
 * are accepted; a quote inside an unquoted field is kept as a character. Blank lines are no records.
 */
import { CsvError, parse } from 'csv-parse/sync';

export type CsvRecords = { records: string[][] } | { problem: string };

export function readCsv(text: string, delimiter = ';'): CsvRecords {
  try {
    const rows: string[][] = parse(text, {
      delimiter,
      bom: true,
      record_delimiter: ['\r\n', '\n'],
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
    });
    return { records: rows.filter((r) => r.some((f) => f.trim() !== '')) };
  } catch (e) {
    // csv-parse says what is wrong and at which line (an unclosed quote, typically a truncated file).
    if (e instanceof CsvError) return { problem: `the file is not valid CSV: ${e.message}` };
    throw e;
  }
}

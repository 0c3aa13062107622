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
    if (e instanceof CsvError) {
      // csv-parse places an unclosed quote at the end of the file: say where it opened instead.
      const line = e.code === 'CSV_QUOTE_NOT_CLOSED' ? unclosedQuoteLine(text, delimiter) : undefined;
      return { problem: line ? `the file is not valid CSV: a quoted field opened on line ${line} is never closed (a cut file?)` : `the file is not valid CSV: ${e.message}` };
    }
    throw e;
  }
}

/** The line (from 1, CRLF or LF ends) where a quoted field opens that no quote closes, if any. */
export function unclosedQuoteLine(text: string, delimiter = ';'): number | undefined {
  let line = 1;
  let openedOn: number | undefined;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (openedOn !== undefined) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else {
          openedOn = undefined;
          fieldStart = false;
        }
      } else if (c === '\n') line++;
      continue;
    }
    if (c === '\n') {
      line++;
      fieldStart = true;
    } else if (c === delimiter) fieldStart = true;
    else if (c === '"' && fieldStart) openedOn = line;
    else if (c !== '\r' && c !== '\uFEFF') fieldStart = false;
  }
  return openedOn;
}

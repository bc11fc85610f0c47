/**
 * A strict CSV reader (RFC 4180): comma-separated fields, `"`-quoted fields may hold commas, line
 * breaks and `""` for a quote; records end with LF or CRLF; a UTF-8 byte order mark is skipped;
 * empty lines are skipped. Anything else — a quote inside an unquoted field, text after a closing
 * quote, an unterminated quote — is refused with the row it is on.
 */
import { ApiError } from '../errors.ts';

/** One record and the row it starts on (1-based, counted as a spreadsheet does: the header is row 1). */
export interface CsvRecord {
  row: number;
  fields: string[];
}

const refuse = (row: number, message: string): ApiError => new ApiError('validation_failed', `row ${row}: ${message}`);

/**
 * The records of `text`, at most `maxRecords` (400 `validation_failed` beyond, and for malformed
 * text, naming the row). Rows count physical lines, so a quoted line break moves the next row on.
 */
export function parseCsv(text: string, maxRecords: number): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const row = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let endOfRecord = false;
    while (!endOfRecord) {
      const c = i < n ? text[i]! : '\n';
      if (quoted) {
        if (i >= n) throw refuse(row, 'a quoted field is not closed');
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i += 1;
          const next = i < n ? text[i]! : '\n';
          if (next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) throw refuse(line, 'text after a closing quote');
          continue;
        }
        if (c === '\n') line += 1;
        field += c;
        i += 1;
        continue;
      }
      if (c === '"') {
        if (field !== '') throw refuse(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
        quoted = true;
        i += 1;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        i += 1;
      } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
        fields.push(field);
        i += c === '\r' ? 2 : 1;
        line += 1;
        endOfRecord = true;
      } else {
        field += c;
        i += 1;
      }
    }
    if (fields.length === 1 && fields[0] === '') continue;
    if (records.length >= maxRecords) throw refuse(row, `more than ${maxRecords} rows`);
    records.push({ row, fields });
  }
  return records;
}

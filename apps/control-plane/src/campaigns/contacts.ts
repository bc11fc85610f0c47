/**
 * A campaign's contact list, from a JSON array or a CSV text, checked row by row: every number is
 * E.164, none is given twice, and errors name the row (`contacts.3.to`, `row 4: to`).
 */
import { findUnsafeText, UNSAFE_TEXT_MESSAGE } from '@vr3/protocol';
import type { z } from 'zod';
import { requireE164 } from '../calls/outbound-call.ts';
import { ApiError } from '../errors.ts';
import { parseCsv } from './csv.ts';
import { CAMPAIGN_LIMITS, type ContactInput } from './settings.ts';

/** One contact to store. */
export interface Contact {
  to: string;
  initialContext: Record<string, unknown>;
}

/** Keys of an initial context: what an agent's prompt templates can name. */
const CONTEXT_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** Refuses a number given twice: `where` names the later one, `first` the earlier. */
function refuseDuplicates(contacts: readonly Contact[], where: (index: number) => string): void {
  const seen = new Map<string, number>();
  contacts.forEach((c, index) => {
    const first = seen.get(c.to);
    if (first !== undefined) throw new ApiError('validation_failed', `${where(index)}: the same number as ${where(first)}`);
    seen.set(c.to, index);
  });
}

/** The contacts of a JSON body (already shaped by `ContactInput`). */
export function contactsFromJson(input: ReadonlyArray<z.infer<typeof ContactInput>>): Contact[] {
  const contacts = input.map((c, i) => ({ to: requireE164(`contacts.${i}.to`, c.to), initialContext: c.initial_context ?? {} }));
  refuseDuplicates(contacts, (i) => `contacts.${i}.to`);
  return contacts;
}

/**
 * The contacts of a CSV list: a header row `to[,<initial_context key>…]`, then one row per contact
 * with as many fields; a non-empty field sets that key of the contact's initial context (as text).
 * 400 `validation_failed` / 422 `invalid_phone_number` naming the row (the header is row 1).
 */
export function contactsFromCsv(text: string): Contact[] {
  if (findUnsafeText(text)) throw new ApiError('validation_failed', `body: ${UNSAFE_TEXT_MESSAGE}`);
  const records = parseCsv(text, CAMPAIGN_LIMITS.maxContacts + 1);
  const [header, ...rows] = records;
  if (!header) throw new ApiError('validation_failed', 'body: the CSV list is empty (a header row `to,…` and one row per contact)');
  const columns = header.fields.map((f) => f.trim());
  if (columns[0] !== 'to') throw new ApiError('validation_failed', `row ${header.row}: the first column must be \`to\``);
  if (columns.length > CAMPAIGN_LIMITS.maxCsvColumns) throw new ApiError('validation_failed', `row ${header.row}: more than ${CAMPAIGN_LIMITS.maxCsvColumns} columns`);
  const keys = columns.slice(1);
  keys.forEach((key, i) => {
    if (!CONTEXT_KEY.test(key)) throw new ApiError('validation_failed', `row ${header.row}: column ${i + 2}: must be a name of letters, digits, _ . - (at most 64, not starting with a digit)`);
    if (keys.indexOf(key) !== i) throw new ApiError('validation_failed', `row ${header.row}: column ${i + 2}: \`${key}\` is given twice`);
  });
  if (rows.length === 0) throw new ApiError('validation_failed', 'body: the CSV list has no contacts');
  const contacts = rows.map((record): Contact => {
    if (record.fields.length !== columns.length) {
      throw new ApiError('validation_failed', `row ${record.row}: ${record.fields.length} fields, the header has ${columns.length}`);
    }
    const to = requireE164(`row ${record.row}: to`, record.fields[0]!.trim());
    const initialContext: Record<string, unknown> = {};
    keys.forEach((key, i) => {
      const value = record.fields[i + 1]!;
      if (value !== '') initialContext[key] = value;
    });
    return { to, initialContext };
  });
  refuseDuplicates(contacts, (i) => `row ${rows[i]!.row}: to`);
  return contacts;
}

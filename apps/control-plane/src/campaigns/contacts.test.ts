import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { contactsFromCsv, contactsFromJson } from './contacts.ts';
import { parseCsv } from './csv.ts';
import { CAMPAIGN_LIMITS, settingsFromQuery } from './settings.ts';

/** The code and message `fn` is refused with. */
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('not refused');
}

describe('CSV reader', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF, a BOM, and skips empty lines', () => {
    const text = '\uFEFFto,name,note\r\n+15550001,"Doe, Jane","said ""hi"""\r\n\r\n+15550002,Bob,"two\nlines"\n+15550003,,\n';
    expect(parseCsv(text, 10)).toEqual([
      { row: 1, fields: ['to', 'name', 'note'] },
      { row: 2, fields: ['+15550001', 'Doe, Jane', 'said "hi"'] },
      { row: 4, fields: ['+15550002', 'Bob', 'two\nlines'] },
      { row: 6, fields: ['+15550003', '', ''] },
    ]);
    expect(parseCsv('to\n+15550001', 10)).toEqual([{ row: 1, fields: ['to'] }, { row: 2, fields: ['+15550001'] }]);
  });

  it('refuses malformed text naming the row', () => {
    expect(refusal(() => parseCsv('to,name\n+1555,"open\n', 10))).toEqual({ code: 'validation_failed', message: 'row 2: a quoted field is not closed' });
    expect(refusal(() => parseCsv('to,name\n+1555,"a"b\n', 10))).toEqual({ code: 'validation_failed', message: 'row 2: text after a closing quote' });
    expect(refusal(() => parseCsv('to,name\n+1555,x\n+1556,a"b\n', 10)).message).toBe('row 3: a quote inside an unquoted field (quote the whole field and double the quote)');
    expect(refusal(() => parseCsv('to\n1\n2\n3\n', 3)).message).toBe('row 4: more than 3 rows');
  });
});

describe('campaign contacts', () => {
  it('takes a CSV list: `to` then initial-context columns, empty cells left out', () => {
    expect(contactsFromCsv('to,first_name,plan\n+15550001111,Jane,gold\n +15550002222 ,,silver\n')).toEqual([
      { to: '+15550001111', initialContext: { first_name: 'Jane', plan: 'gold' } },
      { to: '+15550002222', initialContext: { plan: 'silver' } },
    ]);
  });

  it('refuses bad CSV lists with the row (header = row 1)', () => {
    expect(refusal(() => contactsFromCsv(''))).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^body: the CSV list is empty/) });
    expect(refusal(() => contactsFromCsv('number,name\n+15550001111,Jane\n')).message).toBe('row 1: the first column must be `to`');
    expect(refusal(() => contactsFromCsv('to,name,name\n')).message).toBe('row 1: column 3: `name` is given twice');
    expect(refusal(() => contactsFromCsv('to,1st\n')).message).toMatch(/^row 1: column 2: must be a name/);
    expect(refusal(() => contactsFromCsv('to,name\n'))).toEqual({ code: 'validation_failed', message: 'body: the CSV list has no contacts' });
    expect(refusal(() => contactsFromCsv('to,name\n+15550001111,Jane\n+15550002222\n')).message).toBe('row 3: 1 fields, the header has 2');
    expect(refusal(() => contactsFromCsv('to\n+15550001111\n555-0100\n'))).toEqual({
      code: 'invalid_phone_number',
      message: 'row 3: to: must be an E.164 number (+ then 2 to 15 digits, no spaces or punctuation)',
    });
    expect(refusal(() => contactsFromCsv('to\n+15550001111\n+15550002222\n+15550001111\n')).message).toBe('row 4: to: the same number as row 2: to');
    expect(refusal(() => contactsFromCsv('to\n+1555\u0000\n')).message).toMatch(/^body: /);
    const tooMany = `to\n${Array.from({ length: CAMPAIGN_LIMITS.maxContacts + 1 }, (_, i) => `+1555${String(i).padStart(7, '0')}`).join('\n')}\n`;
    expect(refusal(() => contactsFromCsv(tooMany)).message).toBe(`row ${CAMPAIGN_LIMITS.maxContacts + 2}: more than ${CAMPAIGN_LIMITS.maxContacts + 1} rows`);
  });

  it('takes a JSON list and names the bad element', () => {
    expect(contactsFromJson([{ to: '+15550001111', initial_context: { a: 1 } }, { to: '+15550002222' }])).toEqual([
      { to: '+15550001111', initialContext: { a: 1 } },
      { to: '+15550002222', initialContext: {} },
    ]);
    expect(refusal(() => contactsFromJson([{ to: '+15550001111' }, { to: '+1 555' }])).message).toMatch(/^contacts\.1\.to: must be an E\.164 number/);
    expect(refusal(() => contactsFromJson([{ to: '+15550001111' }, { to: '+15550001111' }])).message).toBe('contacts.1.to: the same number as contacts.0.to');
  });
});

describe('campaign settings from a CSV upload query', () => {
  it('maps query parameters to the settings of a JSON body', () => {
    expect(
      settingsFromQuery({
        agent_uuid: 'a',
        telephony_configuration_id: 'c',
        from: '+15550009999',
        calls_per_second: '0.5',
        max_concurrent: '3',
        retry_on: 'busy,no_answer',
        retry_attempts: '3',
        retry_delay_s: '60',
        window_start: '09:00',
        window_end: '18:00',
        window_timezone: 'Europe/Paris',
        window_days: 'mon,fri',
      }),
    ).toEqual({
      agent_uuid: 'a',
      telephony_configuration_id: 'c',
      from: '+15550009999',
      calls_per_second: 0.5,
      max_concurrent: 3,
      retry: { on: ['busy', 'no_answer'], attempts: 3, delay_s: 60 },
      window: { start: '09:00', end: '18:00', timezone: 'Europe/Paris', days: ['mon', 'fri'] },
    });
  });

  it('refuses bad parameters naming them', () => {
    const base = { agent_uuid: 'a', telephony_configuration_id: 'c', calls_per_second: '5', max_concurrent: '3' };
    expect(refusal(() => settingsFromQuery({ ...base, speed: '9' })).message).toBe('query: unknown parameter speed');
    expect(refusal(() => settingsFromQuery({ ...base, max_concurrent: ['1', '2'] })).message).toBe('query.max_concurrent: must be given once');
    expect(refusal(() => settingsFromQuery({ ...base, calls_per_second: 'fast' })).message).toMatch(/^query\.calls_per_second: /);
    expect(refusal(() => settingsFromQuery({ ...base, calls_per_second: '50' })).message).toMatch(/^query\.calls_per_second: /);
    expect(refusal(() => settingsFromQuery({ ...base, retry_on: 'busy', retry_attempts: '2' })).message).toMatch(/^query\.retry_delay_s: /);
    expect(refusal(() => settingsFromQuery({ ...base, retry_on: 'failed', retry_attempts: '2', retry_delay_s: '1' })).message).toMatch(/^query\.retry_on: /);
    expect(refusal(() => settingsFromQuery({ ...base, window_start: '09:00', window_end: '18:00', window_timezone: 'Nowhere/City' })).message).toBe(
      'query.window_timezone: must be an IANA time zone such as America/New_York',
    );
  });
});

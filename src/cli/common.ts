import type { Config } from '../config';
import type { AcademicYearRules } from '../domain/academic-year';

/** What every CLI command shares: errors that end the program with a message and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function numberOption(name: string, raw: string, min: number, max: number, integer = true): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new CliError(`${name} ${JSON.stringify(raw)}: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

/** Prints one JSON document on stdout (logs go to stderr). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** --year: a four-digit academic year, for replays. */
export function yearOption(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : numberOption('--year', raw, 2000, 2100);
}

export function academicRules(config: Config, year?: number): AcademicYearRules {
  return { ...config.academicYear, year: year ?? config.academicYear.year };
}

/** --on: a calendar day (YYYY-MM-DD, taken at noon UTC: the same day in Europe) or a full ISO time. */
export function onOption(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T12:00:00Z` : raw);
  if (Number.isNaN(d.getTime())) throw new CliError(`--on ${JSON.stringify(raw)}: expected a date such as 2027-08-20`);
  return d;
}

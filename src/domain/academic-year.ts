/**
 * Which inscriptions count on a given day (docs/directory.md §3). The academic year Y runs from
 * the switch date of Y (default 08-15, Europe/Paris) to the day before the switch of Y+1. Around the
 * switch: early inscriptions for Y+1 are added from NEXT_YEAR_FROM, and last year's members are kept
 * (not added) until YEAR_GRACE_UNTIL, so resits and late juries do not lose their courses.
 * Pure: the date is passed in.
 */

export interface AcademicYearRules {
  /** MM-DD of the switch to the new academic year. */
  start: string;
  /** MM-DD from which next year's early inscriptions are added (before the switch). */
  nextYearFrom: string;
  /** MM-DD until which last year's members are kept after the switch. */
  graceUntil: string;
  timezone: string;
  /** Forces the target year (replays, tests): only that year counts, with no grace. */
  year?: number;
}

export interface YearWindow {
  /** The academic year in force on that day. */
  current: number;
  /** Inscriptions of these years make a student a member (added if missing). */
  add: number[];
  /** Inscriptions of these years keep an existing member, but never add one. */
  keepOnly: number[];
}

/** The calendar day in the given time zone, as year and "MM-DD". */
export function localDay(date: Date, timezone: string): { year: number; mmdd: string } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { year: Number(get('year')), mmdd: `${get('month')}-${get('day')}` };
}

export function currentAcademicYear(date: Date, rules: Pick<AcademicYearRules, 'start' | 'timezone'>): number {
  const { year, mmdd } = localDay(date, rules.timezone);
  return mmdd >= rules.start ? year : year - 1;
}

export function yearWindow(date: Date, rules: AcademicYearRules): YearWindow {
  if (rules.year !== undefined) return { current: rules.year, add: [rules.year], keepOnly: [] };
  const { mmdd } = localDay(date, rules.timezone);
  const current = currentAcademicYear(date, rules);
  const add = [current];
  const keepOnly: number[] = [];
  const beforeSwitch = mmdd < rules.start;
  if (beforeSwitch && rules.nextYearFrom < rules.start && mmdd >= rules.nextYearFrom) add.push(current + 1);
  if (!beforeSwitch && mmdd < rules.graceUntil) keepOnly.push(current - 1);
  return { current, add, keepOnly };
}

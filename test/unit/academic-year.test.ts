import { currentAcademicYear, yearWindow } from '../../src/domain/academic-year';

const rules = { start: '08-15', nextYearFrom: '07-01', graceUntil: '10-15', timezone: 'Europe/Paris' };
const at = (iso: string) => new Date(iso);

describe('academic year', () => {
  it('switches on 15 August in Paris time, not UTC', () => {
    // 2026-08-14T22:30Z is already 15 August 00:30 in Paris (UTC+2).
    expect(currentAcademicYear(at('2026-08-14T21:59:00Z'), rules)).toBe(2025);
    expect(currentAcademicYear(at('2026-08-14T22:30:00Z'), rules)).toBe(2026);
    expect(currentAcademicYear(at('2026-12-31T23:30:00Z'), rules)).toBe(2026); // 1 Jan 2027 in Paris, still 2026-2027
    expect(currentAcademicYear(at('2027-03-01T12:00:00Z'), rules)).toBe(2026);
  });

  it('in term time only the current year counts', () => {
    expect(yearWindow(at('2026-11-29T02:00:00Z'), rules)).toEqual({ current: 2026, add: [2026], keepOnly: [] });
    expect(yearWindow(at('2027-04-10T02:00:00Z'), rules)).toEqual({ current: 2026, add: [2026], keepOnly: [] });
  });

  it('adds next year\'s early inscriptions from 1 July until the switch', () => {
    expect(yearWindow(at('2027-06-30T12:00:00Z'), rules).add).toEqual([2026]);
    expect(yearWindow(at('2027-07-01T12:00:00Z'), rules)).toEqual({ current: 2026, add: [2026, 2027], keepOnly: [] });
    expect(yearWindow(at('2027-08-14T12:00:00Z'), rules)).toEqual({ current: 2026, add: [2026, 2027], keepOnly: [] });
  });

  it('keeps last year\'s members, without adding any, from the switch until 15 October', () => {
    expect(yearWindow(at('2027-08-15T12:00:00Z'), rules)).toEqual({ current: 2027, add: [2027], keepOnly: [2026] });
    expect(yearWindow(at('2027-10-14T12:00:00Z'), rules)).toEqual({ current: 2027, add: [2027], keepOnly: [2026] });
    expect(yearWindow(at('2027-10-15T12:00:00Z'), rules)).toEqual({ current: 2027, add: [2027], keepOnly: [] });
  });

  it('a --year override replays exactly that year', () => {
    expect(yearWindow(at('2027-08-20T12:00:00Z'), { ...rules, year: 2024 })).toEqual({ current: 2024, add: [2024], keepOnly: [] });
  });

  it('follows other switch dates', () => {
    const sept = { ...rules, start: '09-01', nextYearFrom: '06-15', graceUntil: '09-30' };
    expect(yearWindow(at('2027-08-20T12:00:00Z'), sept)).toEqual({ current: 2026, add: [2026, 2027], keepOnly: [] });
    expect(yearWindow(at('2027-09-10T12:00:00Z'), sept)).toEqual({ current: 2027, add: [2027], keepOnly: [2026] });
  });
});

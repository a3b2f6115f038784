/** Calendar arithmetic on UTC instants; months are clamped to the target month's last day. */
export function addMonths(from: Date, months: number): Date {
  const result = new Date(from.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

export function addMinutes(from: Date, minutes: number): Date {
  return new Date(from.getTime() + minutes * 60_000);
}

export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * 86_400_000);
}

export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** A calendar day ("2026-12-01") as people read it: "1 december 2026" / "1 December 2026" (Europe/Amsterdam). */
export function longDate(isoDay: string, language: 'nl' | 'en'): string {
  return new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(`${isoDay}T12:00:00Z`));
}

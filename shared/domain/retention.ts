import * as z from 'zod/mini';
import { policy } from './policy.js';
import { isoTimestamp, schema } from './schema.js';

/**
 * Retention dates, in the calendar ZorgSom and its licensees live in: Europe/Amsterdam.
 *
 * A licence ends at an instant; what counts is the *local date* it ends on in Amsterdam (a licence ended at
 * 23:30 on 30 March is ended on 30 March, although it is already 31 March nowhere and 30 March in UTC only
 * by accident). The statement promises destruction "at most 2 years after the licence ends", read as:
 *
 *   promisedBy = 00:00 Amsterdam time on (end date + afterLicenceEndMonths), same day of the month, clamped to
 *                the month's last day (a licence ended on 29 February 2024 is destroyed by 28 February 2026);
 *   purgeAt    = 00:00 Amsterdam time on (promisedBy's date − backupWindowDays − safetyMarginDays).
 *
 * The sweeper deletes the live data at purgeAt; point-in-time recovery keeps copies for backupWindowDays
 * after that, so the last copy is gone safetyMarginDays before the promised date. Using the start of the
 * local day (not the end) is the conservative reading. Local midnight is turned into an instant with the
 * zone's offset *on that date* (CET +01:00 or CEST +02:00), so daylight saving never shifts a date; Amsterdam
 * changes its clocks at 02:00/03:00, so midnight always exists exactly once.
 */
export const retentionZone = 'Europe/Amsterdam';

/** A calendar date without a time or zone. */
export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

/**
 * Made on first use, not at import: the first formatter with a time zone loads ICU's zone data (15–50 ms on
 * this machine), a cost only the functions that compute local dates should pay, and only when they do.
 */
let partsFormat: Intl.DateTimeFormat | undefined;
const zoneFormat = () =>
  (partsFormat ??= new Intl.DateTimeFormat('en-US', {
    timeZone: retentionZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }));

function zoneParts(at: Date): LocalDate & { hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(
    zoneFormat()
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)] as const),
  ) as Record<string, number>;
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Milliseconds the Amsterdam wall clock is ahead of UTC at `at` (3,600,000 or 7,200,000). */
export function zoneOffsetMs(at: Date): number {
  const p = zoneParts(at);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The Amsterdam calendar date of an instant. */
export function localDateOf(at: Date): LocalDate {
  const { year, month, day } = zoneParts(at);
  return { year, month, day };
}

/** 00:00 Amsterdam time on `date`, as an instant. */
export function startOfLocalDay(date: LocalDate): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  // The offset at the guess can differ from the offset at the answer only across a clock change; a second
  // pass settles it (and midnight is never inside Amsterdam's 02:00–03:00 gap).
  let instant = wall - zoneOffsetMs(new Date(wall));
  instant = wall - zoneOffsetMs(new Date(instant));
  return new Date(instant);
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Same day of the month `months` later, clamped to that month's last day. */
export function addLocalMonths(date: LocalDate, months: number): LocalDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

export const formatLocalDate = ({ year, month, day }: LocalDate): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

export function parseLocalDate(iso: string): LocalDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error('not a YYYY-MM-DD date');
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

export interface RetentionDates {
  /** The Amsterdam date the licence ended on. */
  endedOn: string;
  /** The statement's deadline: every copy is gone before this instant. */
  promisedBy: Date;
  /** When the sweeper deletes the live data (and the TTL backstop fires). */
  purgeAt: Date;
}

export function retentionDates(endedAt: Date): RetentionDates {
  const { afterLicenceEndMonths, backupWindowDays, safetyMarginDays } = policy.retention;
  const endedOn = localDateOf(endedAt);
  const promisedOn = addLocalMonths(endedOn, afterLicenceEndMonths);
  return {
    endedOn: formatLocalDate(endedOn),
    promisedBy: startOfLocalDay(promisedOn),
    purgeAt: startOfLocalDay(addLocalDays(promisedOn, -(backupWindowDays + safetyMarginDays))),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Legal hold

/**
 * A case reference, not a description: upper-case letters, digits and dashes only, so that it cannot carry a
 * name or other personal value (it is stored on the profile and in the audit trail, which outlives the purge).
 */
export const caseReferenceSchema = /* @__PURE__ */ schema(() =>
  z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/)),
);
const localDateSchema = /* @__PURE__ */ schema(() => z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)));

export const legalHoldSchema = /* @__PURE__ */ schema(() =>
  z.object({
    reason: z.enum(policy.retention.legalHoldReasons),
    caseReference: caseReferenceSchema,
    /** The last Amsterdam date the hold covers; from the next day on the purge resumes by itself. */
    until: localDateSchema,
    placedAt: isoTimestamp,
  }),
);
export type LegalHold = z.infer<typeof legalHoldSchema>;

/** What staff give to place a hold (the one boundary schema for it: admin route, CLI). */
export const placeHoldInputSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    reason: z.enum(policy.retention.legalHoldReasons),
    caseReference: caseReferenceSchema,
    until: localDateSchema,
  }),
);
export type PlaceHoldInput = z.infer<typeof placeHoldInputSchema>;

/** The instant a hold stops covering: 00:00 Amsterdam time on the day after `until`. */
export const holdEndsAt = (hold: Pick<LegalHold, 'until'>): Date =>
  startOfLocalDay(addLocalDays(parseLocalDate(hold.until), 1));

export const holdActive = (hold: LegalHold | undefined, now: Date): hold is LegalHold =>
  hold !== undefined && now < holdEndsAt(hold);

/** Refuses an end date that is not a real date, already passed, or further away than the policy allows. */
export function holdUntilProblem(until: string, now: Date): 'invalid' | 'past' | 'too-far' | undefined {
  let date: LocalDate;
  try {
    date = parseLocalDate(until);
  } catch {
    return 'invalid';
  }
  if (formatLocalDate(addLocalDays(date, 0)) !== until) return 'invalid';
  const today = localDateOf(now);
  if (until < formatLocalDate(today)) return 'past';
  if (until > formatLocalDate(addLocalMonths(today, policy.retention.legalHoldMaxMonths))) return 'too-far';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Licence end by the licensee, and the sweep

/** `POST /api/me/licence/end`: the licensee confirms explicitly. */
export const endLicenceBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ confirm: z.literal(true) }),
);

/**
 * The sweeper's time budget (code, not policy: it is about Lambda, not about the promise). It stops starting
 * new work when less than this is left before the function's timeout, and resumes on the next run.
 */
export const sweepStopBeforeTimeoutMs = 60_000;

/** When a hold is lifted after the purge date, the TTL backstop waits this long for the sweeper first. */
export const backstopGraceMs = 24 * 3_600_000;

/** Item kinds a deletion certificate counts, from the sort key (`SESSION#…` → `session`). */
export const itemKindOf = (sk: string): string =>
  (sk.split('#')[0] ?? sk).toLowerCase().replace(/[^a-z-]/g, '-') || 'item';

/** Why a licensee's data is purged: its retention period ran out, or an approved deletion request. */
export const purgeReasonSchema = /* @__PURE__ */ schema(() =>
  z.enum(['retention-period', 'deletion-request']),
);
export type PurgeReason = z.infer<typeof purgeReasonSchema>;

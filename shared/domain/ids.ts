import * as z from 'zod/mini';
import { schema } from './schema.js';

/** Crockford base-32 ULID (26 characters), the form of every id the system issues. */
export const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** An id in a request body: exactly a ULID, so nothing unbounded or odd ever reaches a DynamoDB key. */
export const ulidSchema = /* @__PURE__ */ schema(() =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : 'invalid-format') })
    .check(z.trim(), z.toUpperCase(), z.regex(ulidPattern, { message: 'invalid-format' })),
);

/**
 * A licensee id no licensee can have (a ULID of time 0): read in place of a missing one, so a lookup for
 * an unknown address costs the same reads as one for a known address.
 */
export const absentLicenseeId = '00000000000000000000000000';

import * as z from 'zod/mini';

/**
 * A module-level schema that a function bundle may drop when that function never uses it (and with it what
 * only that schema needs, e.g. ibantools with the IBAN check), instead of building it at every cold init.
 * Write `/* @__PURE__ *\/ schema(() => z…)`: esbuild drops an unused call marked pure only when its arguments
 * are free of side effects, which an arrow function is; a marked `z.object({ a: z.string().min(1) })` is kept
 * for its arguments' calls, and an unmarked one always.
 */
export function schema<T>(build: () => T): T {
  return build();
}

// Leaf schemas that many record and body schemas share: one instance each instead of one per field. Each
// `.check()` builds a new schema (≈ 30 µs apiece at cold init on Node 22), and zod schemas are immutable, so a
// shared leaf behaves exactly like its copies.
/** An ISO 8601 date-time in UTC (`Date.prototype.toISOString`). */
export const isoTimestamp = /* @__PURE__ */ z.iso.datetime();
/** A whole number (epoch seconds, counts that may be negative in a delta). */
export const wholeNumber = /* @__PURE__ */ schema(() => z.number().check(z.int()));
/** A whole number ≥ 0 (counters, attempts). */
export const wholeCount = /* @__PURE__ */ schema(() => z.number().check(z.int(), z.gte(0)));
/** An item's version for optimistic locking: a whole number ≥ 1. */
export const itemVersion = /* @__PURE__ */ schema(() => z.number().check(z.int(), z.gte(1)));
/** A string that is not empty. */
export const nonEmptyText = /* @__PURE__ */ schema(() => z.string().check(z.minLength(1)));

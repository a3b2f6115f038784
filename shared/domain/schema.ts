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

import * as z from 'zod/mini';
import { disclosureRecordSchema, privacyRequestRecordSchema } from '../domain/records.js';
import { profileViewSchema } from './self-service.js';
import { isoTimestamp, schema } from '../domain/schema.js';

/**
 * Everything ZorgSom holds about one licensee (statement §5: the overview a licensee may ask for). The
 * functions only take its type: its JSON Schema, served at `/api/export-schema`, is written ahead of time to
 * `export-schema.json` (`npm run generate:export-schema`; test/unit/web/export-schema.test.ts fails when the
 * two differ), so zod's JSON Schema generator (≈ 22 KB) is not read at every cold start of self-service.
 */
export const licenseeExportSchema = /* @__PURE__ */ schema(() =>
  z.object({
    $schema: z.string(),
    generatedAt: isoTimestamp,
    controller: z.object({ name: z.string(), contactEmail: z.string() }),
    profile: profileViewSchema,
    retention: z.object({
      rule: z.string(),
      /** The moment all data is destroyed, once the licence has ended; null while it runs. */
      destroyedBy: z.nullable(isoTimestamp),
    }),
    privacyRequests: z.array(privacyRequestRecordSchema),
    disclosures: z.array(disclosureRecordSchema),
    dataCategories: z.array(z.object({ id: z.string(), nl: z.string(), en: z.string() })),
    purposes: z.array(z.object({ id: z.string(), legalBasis: z.string(), nl: z.string(), en: z.string() })),
  }),
);
export type LicenseeExport = z.infer<typeof licenseeExportSchema>;

/** The JSON Schema of the export, as zod derives it: what `export-schema.json` must hold. */
export const generateExportJsonSchema = (): unknown =>
  z.toJSONSchema(licenseeExportSchema, { target: 'draft-2020-12', io: 'output' });

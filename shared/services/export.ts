import * as z from 'zod/mini';
import { policy } from '../domain/policy.js';
import { disclosureRecordSchema, privacyRequestRecordSchema } from '../domain/records.js';
import type { ServiceDeps } from './deps.js';
import { loadProfile, profileViewSchema, viewOf } from './self-service.js';

export const exportSchemaPath = '/api/export-schema';

/** Everything ZorgSom holds about one licensee (statement §5: the overview a licensee may ask for). */
export const licenseeExportSchema = z.object({
  $schema: z.string(),
  generatedAt: z.iso.datetime(),
  controller: z.object({ name: z.string(), contactEmail: z.string() }),
  profile: profileViewSchema,
  retention: z.object({
    rule: z.string(),
    /** The moment all data is destroyed, once the licence has ended; null while it runs. */
    destroyedBy: z.nullable(z.iso.datetime()),
  }),
  privacyRequests: z.array(privacyRequestRecordSchema),
  disclosures: z.array(disclosureRecordSchema),
  dataCategories: z.array(z.object({ id: z.string(), nl: z.string(), en: z.string() })),
  purposes: z.array(z.object({ id: z.string(), legalBasis: z.string(), nl: z.string(), en: z.string() })),
});
export type LicenseeExport = z.infer<typeof licenseeExportSchema>;

export function exportJsonSchema(): unknown {
  return z.toJSONSchema(licenseeExportSchema, { target: 'draft-2020-12', io: 'output' });
}

export async function exportLicenseeData(deps: ServiceDeps, licenseeId: string): Promise<LicenseeExport> {
  const [{ profile, pii }, privacyRequests, disclosures] = await Promise.all([
    loadProfile(deps, licenseeId),
    deps.repo.listRequests(licenseeId),
    deps.repo.listDisclosures(licenseeId),
  ]);
  deps.count('Exports');
  return {
    $schema: `${deps.portalUrl}${exportSchemaPath}`,
    generatedAt: deps.clock().toISOString(),
    controller: { name: policy.controller.name, contactEmail: policy.controller.contactEmail },
    profile: viewOf(profile, pii),
    retention: {
      rule: `Destroyed at most ${policy.retention.afterLicenceEndMonths} months after the licence ends.`,
      destroyedBy: profile.purgeAt ? new Date(profile.purgeAt * 1000).toISOString() : null,
    },
    privacyRequests,
    disclosures,
    dataCategories: policy.dataCategories.map((category) => ({ ...category })),
    purposes: policy.purposes.map((purpose) => ({ ...purpose })),
  };
}

/** The file name of the PDF overview: the same for everyone, so it carries no personal data. */
export const overviewPdfName = (language: 'nl' | 'en'): string =>
  language === 'nl' ? 'zorgsom-overzicht.pdf' : 'zorgsom-overview.pdf';

/**
 * The overview as a letter in PDF. pdf-lib is loaded on this path only: the function's other routes start
 * without it (bench/bundles.ts measures the cold start).
 */
export async function exportLicenseePdf(
  deps: ServiceDeps,
  licenseeId: string,
  language: 'nl' | 'en',
): Promise<Uint8Array> {
  const data = await exportLicenseeData(deps, licenseeId);
  const { renderOverviewPdf } = await import('./overview-pdf.js');
  return renderOverviewPdf(data, language);
}

import { policy } from '../domain/policy.js';
import { policyTexts } from '../domain/policy-texts.js';
import type { ServiceDeps } from './deps.js';
import type { LicenseeExport } from './export-schema.js';
import { loadProfile, viewOf } from './self-service.js';

export const exportSchemaPath = '/api/export-schema';

export type { LicenseeExport } from './export-schema.js';

/**
 * The JSON Schema of the export (draft 2020-12), generated from `licenseeExportSchema` ahead of time
 * (export-schema.ts). Read on this route's first call only: a chunk of its own in the bundle.
 */
export async function exportJsonSchema(): Promise<unknown> {
  return (await import('./export-schema.json', { with: { type: 'json' } })).default;
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
    purposes: policyTexts.purposes.map((purpose) => ({ ...purpose })),
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

import { policy } from './policy.js';

/**
 * The record of processing activities (AVG art. 30), generated from the policy file so the register and
 * the enforced system cannot drift.
 */
export function processingRegister() {
  const { retention, requests } = policy;
  return {
    controller: { name: policy.controller.name, contact: policy.controller.contactEmail },
    dataSubjects: { nl: 'Licentiehouders (zorgverleners)', en: 'Licensees (healthcare practitioners)' },
    categories: policy.dataCategories.map(({ id, nl, en }) => ({ id, nl, en })),
    notProcessed: {
      nl: 'Geen patiëntgegevens (BSN en medische gegevens worden geweigerd)',
      en: 'No patient data (BSNs and medical data are refused)',
    },
    purposes: policy.purposes.map(({ id, legalBasis, nl, en }) => ({ id, legalBasis, nl, en })),
    retention: {
      nl: `Uiterlijk ${retention.afterLicenceEndMonths} maanden na het einde van de licentie vernietigd, back-ups inbegrepen`,
      en: `Destroyed at most ${retention.afterLicenceEndMonths} months after the licence ends, backups included`,
      afterLicenceEndMonths: retention.afterLicenceEndMonths,
    },
    recipients: {
      processors: policy.processors.map(({ name, nl, en }) => ({ name, nl, en })),
      thirdParties: {
        nl: 'Alleen bij wettelijke plicht, noodzaak voor de bedrijfsvoering of fraude; elke verstrekking wordt vastgelegd',
        en: 'Only for a legal obligation, business necessity or fraud; every disclosure is recorded',
        bases: [...policy.disclosureBases],
      },
    },
    rightsResponseMonths: requests.responseDeadlineMonths,
    securityMeasures: policy.securityMeasures.map(({ nl, en }) => ({ nl, en })),
  };
}
export type ProcessingRegister = ReturnType<typeof processingRegister>;

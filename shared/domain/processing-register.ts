import { policy } from './policy.js';
import { policyTexts } from './policy-texts.js';

const { retention: r, budgetReview: b } = policy;
/** Each processing's retention, worded from the policy values that the code enforces. */
const retentionOf: Record<
  (typeof policyTexts.processingActivities)[number]['id'],
  { nl: string; en: string }
> = {
  'licensee-records': {
    nl: `Tot uiterlijk ${r.afterLicenceEndMonths} maanden na het einde van de licentie, back-ups inbegrepen`,
    en: `Until at most ${r.afterLicenceEndMonths} months after the licence ends, backups included`,
  },
  'request-and-mail-texts': {
    nl: `Verzoeken en notities tot de licentiehouder wordt vernietigd; ruwe e-mail ${r.rawMailDays} dagen (met patiëntgegevens ${r.rawMailWithPatientDataDays} dagen)`,
    en: `Requests and notes until the licensee is purged; raw mail ${r.rawMailDays} days (with patient data ${r.rawMailWithPatientDataDays} days)`,
  },
  'budget-review-uploads': {
    nl: `${b.destroyUploadAfterDays} dagen na het afsluiten van de controle vernietigd; een verzoek zonder antwoord vervalt na ${b.answerWithinDays} dagen`,
    en: `Destroyed ${b.destroyUploadAfterDays} days after the review closes; a request not answered lapses after ${b.answerWithinDays} days`,
  },
  'audit-trail': {
    nl: 'Bewaard als bewijs van wat er is gedaan, ook na vernietiging van de licentiehoudersgegevens',
    en: 'Kept as proof of what was done, also after the licensee data is purged',
  },
  'staff-accounts': {
    nl: 'Zolang de medewerker toegang heeft; verwijderd bij uitdiensttreding',
    en: 'While the staff member has access; deleted when they leave',
  },
  'breach-register': {
    nl: 'Bewaard als verantwoording aan de Autoriteit Persoonsgegevens',
    en: 'Kept as accountability to the Autoriteit Persoonsgegevens',
  },
};

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
    /** Every processing, each with its own basis and retention (policyTexts.processingActivities). */
    processings: policyTexts.processingActivities.map((activity) => ({
      id: activity.id,
      nl: activity.nl,
      en: activity.en,
      dataSubjects: activity.dataSubjects,
      categories: [...activity.categories],
      legalBasis: activity.legalBasis,
      retention: retentionOf[activity.id],
      storage: activity.storage,
    })),
    patientData: {
      nl: 'Patiëntgegevens (zoals een BSN of medische gegevens) worden in formulieren en e-mail geweigerd; alleen bij een begrotingscontrole deelt een licentiehouder zelf een bestand, met toestemming van de patiënt (zie budget-review-uploads)',
      en: 'Patient data (such as a BSN or medical details) is refused in forms and mail; only for a budget review does a licensee share a file themselves, with the patient’s consent (see budget-review-uploads)',
    },
    purposes: policyTexts.purposes.map(({ id, legalBasis, nl, en }) => ({ id, legalBasis, nl, en })),
    retention: {
      nl: `Uiterlijk ${retention.afterLicenceEndMonths} maanden na het einde van de licentie vernietigd, back-ups inbegrepen`,
      en: `Destroyed at most ${retention.afterLicenceEndMonths} months after the licence ends, backups included`,
      afterLicenceEndMonths: retention.afterLicenceEndMonths,
    },
    recipients: {
      processors: policyTexts.processors.map(({ name, nl, en }) => ({ name, nl, en })),
      thirdParties: {
        nl: 'Alleen bij wettelijke plicht, noodzaak voor de bedrijfsvoering of fraude; elke verstrekking wordt vastgelegd',
        en: 'Only for a legal obligation, business necessity or fraud; every disclosure is recorded',
        bases: [...policy.disclosureBases],
      },
    },
    rightsResponseMonths: requests.responseDeadlineMonths,
    securityMeasures: policyTexts.securityMeasures.map(({ nl, en }) => ({ nl, en })),
  };
}
export type ProcessingRegister = ReturnType<typeof processingRegister>;

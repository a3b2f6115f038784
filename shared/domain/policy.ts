/**
 * The single source of what ZorgSom promises in its privacy statement. Code, infrastructure, mails,
 * the web pages and the processing register read these values; nothing else repeats them.
 */
export const policy = {
  controller: {
    name: 'ZorgSom',
    contactEmail: 'info@zorgsom.nl',
    privacySubjectKeyword: 'Privacy',
    supervisoryAuthority: 'Autoriteit Persoonsgegevens',
  },
  /** The only personal data held about a licensee (statement §1: NAW, email, IBAN). */
  dataCategories: [
    { id: 'name', nl: 'Naam', en: 'Name' },
    { id: 'address', nl: 'Adres (straat, huisnummer, postcode, plaats, land)', en: 'Address' },
    { id: 'email', nl: 'E-mailadres', en: 'Email address' },
    { id: 'iban', nl: 'IBAN', en: 'IBAN' },
  ],
  purposes: [
    {
      id: 'service',
      legalBasis: 'contract',
      nl: 'Levering van de licentie en dienstverlening',
      en: 'Providing the licence and service',
    },
    {
      id: 'bookkeeping',
      legalBasis: 'legal-obligation',
      nl: 'Boekhouding en facturatie',
      en: 'Bookkeeping and invoicing',
    },
    {
      id: 'marketing',
      legalBasis: 'legitimate-interest',
      nl: 'Informatie over producten en diensten (afmelden kan altijd)',
      en: 'Information about products and services (opt out at any time)',
    },
  ],
  /** Statement §4: the only grounds on which anything is disclosed to a third party. */
  disclosureBases: ['legal-obligation', 'business-necessity', 'fraud'],
  retention: {
    /** Statement §3: destroyed at most 2 years after the licence ends. */
    afterLicenceEndMonths: 24,
    /** DynamoDB point-in-time recovery keeps copies this long; the purge runs earlier by this much. */
    backupWindowDays: 35,
    /** Slack so that a late sweep or clock skew still keeps the promise. */
    safetyMarginDays: 7,
    /** An unconfirmed signup is forgotten after this. */
    pendingSignupHours: 24,
  },
  requests: {
    /** AVG art. 12(3): answer within one month... */
    responseDeadlineMonths: 1,
    /** ...extendable by at most two further months. */
    maxExtensionMonths: 2,
  },
  signIn: {
    codeTtlMinutes: 10,
    maxCodeAttempts: 5,
    maxCodesPerHour: 5,
    sessionTtlMinutes: 30,
  },
} as const;

export type DataCategoryId = (typeof policy.dataCategories)[number]['id'];
export type DisclosureBasis = (typeof policy.disclosureBases)[number];

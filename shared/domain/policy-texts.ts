/**
 * What the privacy statement and the Article 30 register say in words: the purposes, the processing activities,
 * the processors and the security measures. Part of the policy (policy.ts), in a file of its own because only the
 * pages, the export and the register read these texts: a function that enforces the policy's numbers and rules
 * carries none of them at cold init.
 */
export const policyTexts = {
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
  /**
   * Article 30 register: every processing the system does, with its own basis and retention. The register
   * (shared/domain/processing-register.ts) lists exactly these; a processing added to the code belongs here.
   */
  processingActivities: [
    {
      id: 'licensee-records',
      nl: 'Licentiehoudersgegevens: naam, adres, e-mailadres en IBAN',
      en: 'Licensee records: name, address, email address and IBAN',
      dataSubjects: 'licensees',
      categories: ['name', 'address', 'email', 'iban'],
      legalBasis: 'contract',
      storage: 'DynamoDB, per licensee envelope-encrypted with KMS',
    },
    {
      id: 'request-and-mail-texts',
      nl: 'Privacyverzoeken en e-mail aan info@: de tekst van het verzoek of de e-mail, en interne notities',
      en: 'Privacy requests and mail to info@: the text of the request or mail, and internal notes',
      dataSubjects: 'licensees',
      categories: ['email', 'message-text'],
      legalBasis: 'legal-obligation',
      storage: 'DynamoDB (text envelope-encrypted with KMS) and S3 (raw mail, SSE-KMS)',
    },
    {
      id: 'budget-review-uploads',
      nl: 'Begrotingscontrole: bestanden met patiëntgegevens die een licentiehouder zelf deelt, met toestemming van de patiënt',
      en: 'Budget reviews: files with patient data that a licensee chooses to share, with the patient’s consent',
      dataSubjects: 'patients',
      categories: ['patient-data'],
      legalBasis: 'consent',
      storage: 'S3, a bucket and KMS key of their own; only staff read it, audited',
    },
    {
      id: 'audit-trail',
      nl: 'Auditlog: wie wat deed met welk licentiehoudersnummer, wanneer; geen naam, adres, e-mail of IBAN',
      en: 'Audit trail: who did what to which licensee id, when; no name, address, email or IBAN',
      dataSubjects: 'licensees-and-staff',
      categories: ['licensee-id', 'staff-identity'],
      legalBasis: 'legal-obligation',
      storage: 'DynamoDB, append-only',
    },
    {
      id: 'staff-accounts',
      nl: 'Medewerkersaccounts: gebruikersnaam, e-mailadres, rol en tweede factor (TOTP)',
      en: 'Staff accounts: username, email address, role and second factor (TOTP)',
      dataSubjects: 'staff',
      categories: ['staff-identity'],
      legalBasis: 'contract',
      storage: 'Amazon Cognito user pool (MFA required)',
    },
    {
      id: 'breach-register',
      nl: 'Register van datalekken (AVG art. 33 lid 5): omschrijving, gevolgen, maatregelen, besluit tot melden',
      en: 'Breach register (GDPR art. 33(5)): description, consequences, measures, decision to report',
      dataSubjects: 'licensees-and-staff',
      categories: ['staff-identity'],
      legalBasis: 'legal-obligation',
      storage: 'DynamoDB',
    },
  ],
  /** Article 30 register: who processes on ZorgSom's behalf, and how the data is protected. */
  processors: [
    {
      name: 'Amazon Web Services EMEA SARL',
      nl: 'Hosting, opslag, versleutelsleutels en e-mailverzending (EU, regio eu-west-1)',
      en: 'Hosting, storage, encryption keys and email delivery (EU, region eu-west-1)',
    },
  ],
  /** In plain words: the statement (§2) and the processing register show these to licensees. */
  securityMeasures: [
    {
      nl: 'Wij versleutelen uw gegevens voordat wij ze opslaan, met een eigen sleutel per licentiehouder.',
      en: 'We encrypt your data before storing it, with a key of its own for each licensee.',
    },
    {
      nl: 'Elk onderdeel van ons systeem kan alleen bij de gegevens die het nodig heeft. Medewerkers zien uw gegevens alleen via een vaste, vastgelegde route.',
      en: 'Each part of our system can reach only the data it needs. Staff see your data only through one fixed, recorded route.',
    },
    {
      nl: 'Wij leggen vast wanneer een medewerker uw gegevens inziet of wijzigt.',
      en: 'We record whenever a member of staff views or changes your data.',
    },
    {
      nl: 'Alle verbindingen zijn beveiligd: u ziet het slotje in de adresbalk van uw browser.',
      en: 'Every connection is secured: you see the padlock in your browser’s address bar.',
    },
    {
      nl: 'Uw gegevens komen niet in de logboeken en meetgegevens van ons systeem.',
      en: 'Your data never goes into our system’s logs or measurements.',
    },
    {
      nl: 'Al onze medewerkers hebben een geheimhoudingsplicht.',
      en: 'All our staff are bound to confidentiality.',
    },
  ],
} as const;

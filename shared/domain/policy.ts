/**
 * The single source of what ZorgSom promises in its privacy statement (with policy-texts.ts, the purposes, the
 * processing activities, processors and security measures in words). Code, infrastructure, mails,
 * the web pages and the processing register read these values; nothing else repeats them.
 */
export const policy = {
  /**
   * The published privacy statement (web: privacy.html, generated from this file). A new version is mailed to
   * every licensee once (shared/services/statement-notice.ts); raise it whenever a promise below changes.
   */
  statement: {
    version: '2.0',
    /** The day this version applies from (Europe/Amsterdam). */
    effectiveDate: '2026-12-01',
    /** What changed against the version before, in plain words: the notice mail quotes it. */
    changes: {
      nl: 'De privacyverklaring staat nu in zijn geheel in het portaal, met de wet (AVG) bij naam, hoe lang wij uw gegevens bewaren en hoe u ze inziet, verbetert of laat verwijderen.',
      en: 'The full privacy statement is now in the portal, naming the law (GDPR), how long we keep your data and how you view, correct or delete it.',
    },
    law: {
      nl: 'Algemene Verordening Gegevensbescherming (AVG)',
      en: 'General Data Protection Regulation (GDPR, in Dutch: AVG)',
    },
  },
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
    /**
     * Raw inbound mail (S3 lifecycle, current and noncurrent versions). Longer than the one-month answer
     * deadline, so staff can still read a general mail they answer on its due date.
     */
    rawMailDays: 35,
    /** Raw mail holding patient data (a valid BSN): deleted after intake, lifecycle backstop this short. */
    rawMailWithPatientDataDays: 2,
    /**
     * Statement §4 (fraud) and legal claims: the only grounds to pause a purge. A hold names a case reference,
     * never a description, and has an end date no further away than this; it can be placed again.
     */
    legalHoldReasons: ['fraud-investigation', 'legal-claim'],
    legalHoldMaxMonths: 12,
  },
  requests: {
    /** AVG art. 12(3): answer within one month... */
    responseDeadlineMonths: 1,
    /** ...extendable by at most two further months. */
    maxExtensionMonths: 2,
    /** An unconfirmed request gets one reminder (with a fresh code) after this... */
    confirmationReminderHours: 24,
    /** ...and is closed after this; its confirmation code is valid until then. */
    closeUnconfirmedAfterDays: 7,
    /**
     * At most this many requests per licensee wait for their mailed code at once (the portal's by-email form
     * and mail to info@, which anyone can fill in with the licensee's address). Each holds one of this many
     * slots, claimed by a conditional write in the request's own transaction, so parallel requests never get
     * more; a slot is free again once its request is confirmed, closed or past its confirmation deadline.
     * Beyond the cap nothing new is stored and no new code made: the newest waiting request's code is mailed
     * again, within its hourly code limit and the address's daily mail budget (spent with the code, so a
     * code is never replaced by one that is not mailed). A signed-in licensee's requests need no code and
     * are never held by this cap.
     */
    maxUnconfirmedPerLicensee: 3,
    /** RFC 3834: at most one automatic reply per sender address within this window. */
    autoReplyWindowHours: 24,
  },
  /** Outgoing mail: the one sending policy of the mail-sender (shared/domain/sending-policy.ts). */
  mail: {
    /**
     * Per recipient address, per calendar day (Europe/Amsterdam): at most this many system mails (codes,
     * acknowledgements, notices, reminders). Staff answers, staff digests and marketing do not count. Spent by
     * one conditional write before SES is called, so parallel triggers never get more. Beside it: the owner's
     * reserve of sign-in codes (`signIn.ownerReserveCodesPerDay`), which only the owner's own browser can ask for.
     */
    maxSystemMailsPerRecipientPerDay: 10,
    /** An undelivered outbox item (a mail) is kept this long, encrypted, then TTL removes it. */
    outboxRetentionDays: 7,
    /** A mail still pending after this is picked up again by the sender's redrive sweep. */
    redriveAfterMinutes: 10,
    /** How long one delivery attempt holds a mail before another may try again. */
    sendLeaseSeconds: 60,
    /** A hard bounce or complaint keeps the address off non-essential mail this long. */
    suppressionDays: 365,
  },
  /** Statement §4: patient data only when the licensee decides to give it, for a budget check. */
  budgetReview: {
    /** The upload is destroyed this many days after the review closes. */
    destroyUploadAfterDays: 14,
    /** A request the licensee does not answer lapses after this. */
    answerWithinDays: 30,
    /** Enforced where the file travels: the presigned upload signs this as the largest Content-Length. */
    maxUploadBytes: 5 * 1024 * 1024,
    /** A presigned upload URL (the browser PUTs straight to S3) is valid this long. */
    uploadUrlSeconds: 300,
    /** A staff download URL is valid this long; every one is audited before it is issued. */
    downloadUrlSeconds: 60,
  },
  /** Staff are warned about open requests this close to their deadline. */
  deadlineWatch: { warnDaysBefore: 7 },
  /**
   * Mailed codes (sign-in, signup confirmation, email change, privacy-request confirmation). Every limit
   * is spent by one conditional write before the guess it guards is judged, so parallel requests never
   * get more than these numbers.
   */
  signIn: {
    codeTtlMinutes: 10,
    /** Guesses per code; after these even the right code is refused (a new code starts afresh). */
    maxCodeAttempts: 5,
    /** Codes per hour for one address (sign-in, kept per address whether registered or not) or one record. */
    maxCodesPerHour: 5,
    sessionTtlMinutes: 30,
    /**
     * The sign-in link in every sign-in code mail: single use, replaced by the next code's. At least the
     * hourly code window, so while the address's code budget is spent the latest mail's link still works:
     * nobody can lock the owner out by asking for the owner's codes or guessing at them.
     */
    linkValidMinutes: 60,
    /**
     * Owner protection ("device cookies", OWASP): a successful sign-in sets a cookie in that browser (a random
     * id and a KMS HMAC over it and the address's blind index: nothing personal, unforgeable). A code request
     * carrying a valid one for that address draws from a small reserve of its own once the address's common
     * code budget (`maxCodesPerHour`, the day's mail budget) is spent, so a stranger who spends that budget
     * cannot keep the owner out. The answer is the same with or without the cookie.
     */
    deviceCookieDays: 90,
    /** Codes a day (Europe/Amsterdam) from the owner's reserve, one conditional write each, all devices together. */
    ownerReserveCodesPerDay: 5,
    /** The "this was not me" link in the notice to the previous address after an email change. */
    notMeLinkDays: 30,
  },
  signup: {
    /**
     * Signups per email address per hour, whatever its state: each either creates the pending licence,
     * re-sends the first signup's code, or tells the registered owner; beyond this nothing is sent.
     */
    maxPerAddressPerHour: 5,
  },
} as const;

export type DataCategoryId = (typeof policy.dataCategories)[number]['id'];
export type DisclosureBasis = (typeof policy.disclosureBases)[number];

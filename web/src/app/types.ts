/** What the API returns, as far as the portal reads it (see shared/services). */
export interface Address {
  street: string;
  /** BAG: huisnummer, huisletter, huisnummertoevoeging. */
  houseNumber: string;
  houseLetter?: string;
  houseNumberAddition?: string;
  postcode: string;
  city: string;
  country: string;
}

export interface ProfileView {
  licenseeId: string;
  status: 'pending' | 'active' | 'ended';
  personalData: { name: string; address: Address; email: string; iban: string };
  marketingOptOut: boolean;
  /** The language of every mail to this licensee. */
  language: 'nl' | 'en';
  licence: { startedAt: string | null; endedAt: string | null };
  emailChangePending: boolean;
}

export interface SessionView {
  token: string;
  expiresAt: string;
}

export interface RequestView {
  requestId: string;
  reference: string;
  type: string;
  channel: 'web' | 'email';
  status: string;
  receivedAt: string;
  dueAt: string;
  history: { at: string; status: string }[];
  linkedTo?: string;
}

export interface LicenseeExport {
  generatedAt: string;
  controller: { name: string; contactEmail: string };
  profile: ProfileView;
  retention: { rule: string; destroyedBy: string | null };
  privacyRequests: RequestView[];
  disclosures: {
    disclosureId: string;
    recipient: string;
    basis: string;
    categories: string[];
    disclosedAt: string;
    reference?: string;
  }[];
  dataCategories: { id: string; nl: string; en: string }[];
  purposes: { id: string; legalBasis: string; nl: string; en: string }[];
}

export interface BudgetReviewView {
  reviewId: string;
  reason: string;
  status: 'requested' | 'declined' | 'accepted' | 'closed' | 'lapsed';
  requestedAt: string;
  answerBy: string;
  decidedAt?: string;
  consentAttestedAt?: string;
  closedAt?: string;
  uploadDestroyed: boolean;
}

import type { Clock } from '../domain/dates.js';
import type { LicenseeRepository } from '../adapters/licensee-repository.js';
import type { BlindIndex, CodeMac, Envelope, Mailer } from './ports.js';

export type BusinessEvent =
  | 'Signups'
  | 'SignupsConfirmed'
  | 'SignupCodesResent'
  | 'SignInCodesSent'
  /** A sign-in code paid from the owner's reserve (a device cookie, the common budget spent). */
  | 'SignInCodesFromReserve'
  | 'SignIns'
  | 'FailedCodes'
  | 'CodesRateLimited'
  | 'ProfileCorrections'
  | 'Exports'
  | 'MarketingOptOuts'
  | 'PrivacyRequests'
  | 'PrivacyRequestsConfirmed'
  | 'PrivacyRequestsLinked'
  /** A request by email or mail refused a new code: the cap of requests waiting for one was reached. */
  | 'PrivacyRequestsCapped'
  /** A by-email submission not handed to its worker (KMS or Lambda failed): the caller got a 503. */
  | 'ByEmailHandOffFailures'
  | 'PrivacyRequestStepFailures'
  | 'PrivacyRequestReminders'
  | 'PrivacyRequestsClosedUnconfirmed'
  | 'MailsReceived'
  | 'MailsQuarantined'
  | 'MailsAutomatic'
  | 'MailsWithPatientData'
  | 'AutoRepliesSuppressed'
  | 'MailsSent'
  | 'MailSendFailures'
  | 'MailsDropped'
  | 'MailsSuppressed'
  | 'MailsOverBudget'
  | 'MailsAutoReplyWindow'
  | 'MailsToAutomaticAddress'
  /** An address put on the suppression list by an SES bounce or complaint (dimension `reason`). */
  | 'MailSuppressed';

/** Everything a service touches outside pure logic; handlers build it once per container, tests swap parts. */
export interface ServiceDeps {
  repo: LicenseeRepository;
  envelope: Envelope;
  blindIndex: BlindIndex;
  codeMac: CodeMac;
  mailer: Mailer;
  clock: Clock;
  newId: () => string;
  portalUrl: string;
  count: (event: BusinessEvent) => void;
}

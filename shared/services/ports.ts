import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { MailKind, MailLanguage } from '../domain/sending-policy.js';

/** What the domain services need from the outside world; adapters implement these, tests swap them. */

export interface EncryptionContext {
  licenseeId: string;
  purpose: string;
}

export interface Envelope {
  encrypt(plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
  /** Throws `CiphertextContextMismatchError` when the ciphertext was made for another licensee or purpose. */
  decrypt(ciphertext: Uint8Array, expected: EncryptionContext): Promise<Uint8Array>;
}

export interface BlindIndex {
  /** A keyed, deterministic, non-reversible token for a normalised email address. */
  of(normalisedEmail: string): Promise<string>;
}

export type { MailKind, MailLanguage } from '../domain/sending-policy.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  /** The plain-text part (always present). */
  text: string;
  /** The HTML part (inline CSS, no remote images); from the templates in shared/mail/. */
  html?: string;
  headers?: Record<string, string>;
  /** Defaults to `notice`. */
  kind?: MailKind;
  /**
   * The same key never yields a second mail (a retry of the step that sends it writes the same outbox item).
   * Build it from ids only (`request:<id>:confirmation:<issuedAt>`); it is hashed before use. Default: a
   * fresh id, i.e. every call is a new mail.
   */
  idempotencyKey?: string;
  /** The template it was rendered from (for logs and metrics: never personal). */
  template?: string;
  language?: MailLanguage;
  /**
   * An automatic response to an inbound mail (RFC 3834): the SES message id it answers. The sender marks
   * it `Auto-Submitted: auto-replied` and allows one per sender per window unless it is a code or an
   * acknowledgement of a new distinct request.
   */
  inResponseTo?: string;
  /** Threading of a staff answer: the Message-ID of the mail it answers (In-Reply-To and References). */
  thread?: { inReplyTo: string; references?: string[] };
}

/**
 * Outgoing mail. `send` never talks to SES: it writes the mail, encrypted, to the outbox in DynamoDB, and the
 * one mail-sender function delivers it a moment later (functions/mail-sender). A request never waits on SES.
 */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  /**
   * The outbox write as one item of the caller's own transaction, so the mail exists exactly when the
   * state change that decided to send it does. Idempotent by `idempotencyKey` like `send`.
   */
  outboxItem(mail: OutgoingMail): Promise<TransactWriteItem>;
  /**
   * The same, with the unit of the recipient's day budget (`recipientIndex`: the address's blind index)
   * spent in that transaction, so it fails when the budget is gone. For state that must not change without
   * its mail reaching the person: a sign-in code replaces the previous code and link only when its own mail
   * will be sent, so a stranger who spends an address's budget cannot make the owner's last link stop working.
   */
  budgetedOutboxItems(
    mail: OutgoingMail,
    recipientIndex: string,
    /**
     * `owner-reserve`: spent from the address owner's own small reserve instead of the day budget (a sign-in
     * code asked for from a browser with the owner's device cookie, policy.signIn.ownerReserveCodesPerDay).
     */
    budget?: 'day' | 'owner-reserve',
  ): Promise<TransactWriteItem[]>;
}

export type { CodeMac } from '../domain/code-mac.js';

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

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export type { CodeMac } from '../domain/code-mac.js';

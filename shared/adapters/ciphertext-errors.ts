/** The ciphertext was made for another licensee or purpose (or was moved between records). Carries no data. */
export class CiphertextContextMismatchError extends Error {
  constructor() {
    super('ciphertext does not belong to this record');
    this.name = 'CiphertextContextMismatchError';
  }
}

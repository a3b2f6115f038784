/**
 * The keyed MAC mailed codes are stored as (KMS HMAC in every deployment; the key never leaves KMS). Its own
 * module, free of Node imports, because the browser build reaches the service ports that name it.
 */
export interface CodeMac {
  of(salt: string, code: string): Promise<string>;
}

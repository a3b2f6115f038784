/**
 * Every HTTP route and the function that serves it. The CDK stack and the local HTTP server both read
 * this table, so the routes deployed and the routes run locally cannot drift apart.
 */
export const functionNames = [
  'licensee-signup',
  'session',
  'self-service',
  'admin',
  'marketing-unsubscribe',
] as const;
export type FunctionName = (typeof functionNames)[number];

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
  /**
   * public: no identity; session: a licensee's bearer token, checked inside the function; staff: signed
   * with the caller's AWS credentials (API Gateway AWS_IAM; locally the credential `npm start` prints).
   */
  access: 'public' | 'session' | 'staff';
}

export const routes: readonly Route[] = [
  { method: 'POST', path: '/api/licensees', fn: 'licensee-signup', access: 'public' },
  { method: 'POST', path: '/api/licensees/confirm', fn: 'licensee-signup', access: 'public' },
  { method: 'POST', path: '/api/sign-in/code', fn: 'session', access: 'public' },
  { method: 'POST', path: '/api/sign-in', fn: 'session', access: 'public' },
  { method: 'POST', path: '/api/sign-out', fn: 'session', access: 'session' },
  { method: 'GET', path: '/api/me', fn: 'self-service', access: 'session' },
  { method: 'PATCH', path: '/api/me', fn: 'self-service', access: 'session' },
  { method: 'POST', path: '/api/me/email/confirm', fn: 'self-service', access: 'session' },
  { method: 'GET', path: '/api/me/export', fn: 'self-service', access: 'session' },
  { method: 'GET', path: '/api/export-schema', fn: 'self-service', access: 'public' },
  { method: 'PUT', path: '/api/me/marketing', fn: 'self-service', access: 'session' },
  { method: 'GET', path: '/api/marketing/unsubscribe', fn: 'marketing-unsubscribe', access: 'public' },
  { method: 'POST', path: '/api/marketing/unsubscribe', fn: 'marketing-unsubscribe', access: 'public' },
  { method: 'POST', path: '/api/admin/licensees/show', fn: 'admin', access: 'staff' },
  { method: 'POST', path: '/api/admin/disclosures/record', fn: 'admin', access: 'staff' },
  { method: 'POST', path: '/api/admin/audit', fn: 'admin', access: 'staff' },
  { method: 'GET', path: '/api/admin/reports/processing-register', fn: 'admin', access: 'staff' },
  { method: 'POST', path: '/api/admin/marketing/audience', fn: 'admin', access: 'staff' },
  { method: 'POST', path: '/api/admin/marketing/send', fn: 'admin', access: 'staff' },
];

/** The grants each function uses; infra turns these into IAM statements on exact ARNs. */
export const functionGrants: Record<
  FunctionName,
  { kms: ('encrypt' | 'decrypt' | 'mac')[]; dynamodb: ('read' | 'write' | 'query')[]; sendMail: boolean }
> = {
  'licensee-signup': { kms: ['encrypt', 'mac'], dynamodb: ['read', 'write'], sendMail: true },
  session: { kms: ['mac'], dynamodb: ['read', 'write'], sendMail: true },
  'self-service': {
    kms: ['encrypt', 'decrypt', 'mac'],
    dynamodb: ['read', 'write', 'query'],
    sendMail: true,
  },
  admin: { kms: ['encrypt', 'decrypt', 'mac'], dynamodb: ['read', 'write', 'query'], sendMail: true },
  // Sets the opt-out flag and audits it; never sees plaintext.
  'marketing-unsubscribe': { kms: ['mac'], dynamodb: ['read', 'write'], sendMail: false },
};

/**
 * Every HTTP route and the function that serves it. The CDK stack and the local HTTP server both read
 * this table, so the routes deployed and the routes run locally cannot drift apart.
 */
export const functionNames = ['licensee-signup', 'session', 'self-service'] as const;
export type FunctionName = (typeof functionNames)[number];

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
  /** Whether the route needs a licensee session (checked inside the function). */
  session: boolean;
}

export const routes: readonly Route[] = [
  { method: 'POST', path: '/api/licensees', fn: 'licensee-signup', session: false },
  { method: 'POST', path: '/api/licensees/confirm', fn: 'licensee-signup', session: false },
  { method: 'POST', path: '/api/sign-in/code', fn: 'session', session: false },
  { method: 'POST', path: '/api/sign-in', fn: 'session', session: false },
  { method: 'POST', path: '/api/sign-out', fn: 'session', session: true },
  { method: 'GET', path: '/api/me', fn: 'self-service', session: true },
  { method: 'PATCH', path: '/api/me', fn: 'self-service', session: true },
  { method: 'POST', path: '/api/me/email/confirm', fn: 'self-service', session: true },
  { method: 'GET', path: '/api/me/export', fn: 'self-service', session: true },
  { method: 'GET', path: '/api/export-schema', fn: 'self-service', session: false },
  { method: 'PUT', path: '/api/me/marketing', fn: 'self-service', session: true },
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
};

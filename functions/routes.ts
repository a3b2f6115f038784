/**
 * Every HTTP route and the function that serves it. The CDK stack and the local HTTP server both read
 * this table, so the routes deployed and the routes run locally cannot drift apart.
 */
import type { StaffRole } from '../shared/domain/staff-roles.js';

export const functionNames = [
  'licensee-signup',
  'session',
  'self-service',
  'admin',
  'marketing-unsubscribe',
  'budget-review',
  'privacy-requests',
] as const;
export type FunctionName = (typeof functionNames)[number];

interface RouteBase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
}
/**
 * public: no identity; session: a licensee's bearer token, checked inside the function; staff: a staff access
 * token (Cognito, or the local staff identity provider of `npm start`) with scope `zorgsom/staff`, checked by
 * API Gateway's JWT authorizer and again in the function, which also requires the route's minimum `role`.
 */
export type Route =
  (RouteBase & { access: 'public' | 'session' }) | (RouteBase & { access: 'staff'; role: StaffRole });
export type StaffRoute = Extract<Route, { access: 'staff' }>;

export const routes: readonly Route[] = [
  { method: 'POST', path: '/api/licensees', fn: 'licensee-signup', access: 'public' },
  { method: 'POST', path: '/api/licensees/confirm', fn: 'licensee-signup', access: 'public' },
  { method: 'POST', path: '/api/sign-in/code', fn: 'session', access: 'public' },
  { method: 'POST', path: '/api/sign-in', fn: 'session', access: 'public' },
  { method: 'POST', path: '/api/sign-in/link', fn: 'session', access: 'public' },
  { method: 'POST', path: '/api/sign-out', fn: 'session', access: 'session' },
  { method: 'GET', path: '/api/me', fn: 'self-service', access: 'session' },
  { method: 'PATCH', path: '/api/me', fn: 'self-service', access: 'session' },
  { method: 'POST', path: '/api/me/email/confirm', fn: 'self-service', access: 'session' },
  { method: 'GET', path: '/api/me/export', fn: 'self-service', access: 'session' },
  { method: 'GET', path: '/api/me/export.pdf', fn: 'self-service', access: 'session' },
  { method: 'GET', path: '/api/export-schema', fn: 'self-service', access: 'public' },
  { method: 'PUT', path: '/api/me/marketing', fn: 'self-service', access: 'session' },
  { method: 'POST', path: '/api/me/licence/end', fn: 'self-service', access: 'session' },
  { method: 'GET', path: '/api/marketing/unsubscribe', fn: 'marketing-unsubscribe', access: 'public' },
  { method: 'POST', path: '/api/marketing/unsubscribe', fn: 'marketing-unsubscribe', access: 'public' },
  { method: 'POST', path: '/api/admin/licensees/show', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/licensees/find', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/dashboard', fn: 'admin', access: 'staff', role: 'viewer' },
  { method: 'POST', path: '/api/admin/dashboard/csv', fn: 'admin', access: 'staff', role: 'viewer' },
  { method: 'POST', path: '/api/admin/requests/bulk-close', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/requests/detail', fn: 'admin', access: 'staff', role: 'viewer' },
  { method: 'POST', path: '/api/admin/requests/show-text', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/requests/note', fn: 'admin', access: 'staff', role: 'handler' },
  {
    method: 'POST',
    path: '/api/admin/requests/reject-preview',
    fn: 'admin',
    access: 'staff',
    role: 'handler',
  },
  { method: 'POST', path: '/api/admin/breaches/record', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/breaches/update', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/breaches/decide', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/breaches/list', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/breaches/show', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/breaches/export', fn: 'admin', access: 'staff', role: 'admin' },
  {
    method: 'POST',
    path: '/api/admin/breaches/notify-licensees',
    fn: 'admin',
    access: 'staff',
    role: 'admin',
  },
  { method: 'POST', path: '/api/admin/requests/list', fn: 'admin', access: 'staff', role: 'viewer' },
  { method: 'POST', path: '/api/admin/requests/show', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/requests/extend', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/requests/close', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/requests/reject', fn: 'admin', access: 'staff', role: 'handler' },
  {
    method: 'POST',
    path: '/api/admin/requests/approve-deletion',
    fn: 'admin',
    access: 'staff',
    role: 'handler',
  },
  { method: 'POST', path: '/api/admin/licences/end', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/holds/place', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/holds/lift', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/reports/activity', fn: 'admin', access: 'staff', role: 'viewer' },
  { method: 'POST', path: '/api/admin/disclosures/record', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/audit', fn: 'admin', access: 'staff', role: 'viewer' },
  {
    method: 'GET',
    path: '/api/admin/reports/processing-register',
    fn: 'admin',
    access: 'staff',
    role: 'viewer',
  },
  { method: 'GET', path: '/api/me/budget-reviews', fn: 'budget-review', access: 'session' },
  { method: 'POST', path: '/api/me/budget-reviews/upload-url', fn: 'budget-review', access: 'session' },
  { method: 'POST', path: '/api/me/budget-reviews/decide', fn: 'budget-review', access: 'session' },
  {
    method: 'POST',
    path: '/api/admin/budget-reviews/request',
    fn: 'admin',
    access: 'staff',
    role: 'handler',
  },
  { method: 'POST', path: '/api/admin/budget-reviews/read', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/budget-reviews/close', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/marketing/audience', fn: 'admin', access: 'staff', role: 'admin' },
  // The staff inbox: reading general mail shows its sender and text (personal data), so handlers only.
  { method: 'POST', path: '/api/admin/inbox/list', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/inbox/show', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/inbox/answer', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/inbox/handle', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/inbox/convert', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/marketing/send', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/marketing/preview', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/jobs/show', fn: 'admin', access: 'staff', role: 'handler' },
  { method: 'POST', path: '/api/admin/retention/repurge', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/admin/statement/notify', fn: 'admin', access: 'staff', role: 'admin' },
  { method: 'POST', path: '/api/privacy-requests', fn: 'privacy-requests', access: 'session' },
  { method: 'POST', path: '/api/privacy-requests/by-email', fn: 'privacy-requests', access: 'public' },
  { method: 'POST', path: '/api/privacy-requests/confirm', fn: 'privacy-requests', access: 'public' },
  { method: 'GET', path: '/api/me/privacy-requests', fn: 'privacy-requests', access: 'session' },
  // "This was not me" from the notice to a previous address: a signed link, no session.
  { method: 'GET', path: '/api/account/not-me', fn: 'privacy-requests', access: 'public' },
  { method: 'POST', path: '/api/account/not-me', fn: 'privacy-requests', access: 'public' },
];

export const staffRoutes: readonly StaffRoute[] = routes.filter(
  (route): route is StaffRoute => route.access === 'staff',
);

/** The minimum role of a staff route, by API Gateway route key (`POST /api/admin/...`). */
export const staffRoleByRouteKey: ReadonlyMap<string, StaffRole> = new Map(
  staffRoutes.map((route) => [`${route.method} ${route.path}`, route.role]),
);

/**
 * The grants each function uses beyond the table (whose grants, by partition, are in functions/table-access.ts);
 * infra turns these into IAM statements on exact ARNs.
 */
export interface FunctionGrants {
  /** On the personal-data key ('encrypt', 'decrypt') and the HMAC key ('mac'). */
  kms: ('encrypt' | 'decrypt' | 'mac')[];
  sendMail: boolean;
  /** Raw inbound mail: read by staff through the audited inbox, deleted when a licensee is purged. */
  rawMail?: ('read' | 'delete')[];
  /** Starts staff jobs: invokes the job runner asynchronously (lambda:InvokeFunction on it alone). */
  startsJobs?: boolean;
  /** The budget-review key and upload bucket, apart from everything else. */
  budgetReviews?: { key: ('encrypt' | 'decrypt')[]; uploads: ('put' | 'get' | 'delete')[] };
  /**
   * By-email submissions: `hand-off` seals one with the submission key (kms:Encrypt, purpose
   * by-email-submission) and invokes the by-email worker (lambda:InvokeFunction on it alone); `work` opens one
   * (kms:Decrypt, the same purpose).
   */
  byEmailSubmissions?: 'hand-off' | 'work';
}

export const functionGrants: Record<FunctionName, FunctionGrants> = {
  // Decrypts a pending signup only to name it (name, last 4 of the IBAN) in the re-sent code mail.
  'licensee-signup': { kms: ['encrypt', 'decrypt', 'mac'], sendMail: true },
  session: { kms: ['mac'], sendMail: true },
  'self-service': {
    kms: ['encrypt', 'decrypt', 'mac'],
    sendMail: true,
  },
  admin: {
    kms: ['encrypt', 'decrypt', 'mac'],
    sendMail: true,
    // Staff read uploads: signs the download (S3 decrypts via SSE-KMS on this role's behalf). Purges (raw mail
    // and uploads included) run in the job runner, not here.
    budgetReviews: { key: ['decrypt'], uploads: ['get'] },
    // Staff read general mail in the inbox (audited).
    rawMail: ['read'],
    // Marketing sends, approved deletions' purges and re-purges run as jobs (functions/job-runner).
    startsJobs: true,
  },
  // Sets the opt-out flag and audits it; never sees plaintext.
  'marketing-unsubscribe': { kms: ['mac'], sendMail: false },
  // Signs the browser's upload (PUT, whose SSE-KMS S3 performs on this role's behalf: GenerateDataKey via S3),
  // checks it with HeadObject (s3:GetObject; without kms:Decrypt it cannot read the content) and deletes it on
  // a decline; no licensee's personal data.
  'budget-review': {
    kms: [],
    sendMail: false,
    budgetReviews: { key: ['encrypt'], uploads: ['put', 'get', 'delete'] },
  },
  // Privacy requests by web form: encrypts the message, decrypts the address on record to mail the
  // outcome, sets the opt-out; lists the licensee's requests. A request by email address is sealed and handed
  // to the by-email worker (infra/constructs/by-email-worker.ts), which does the rest.
  'privacy-requests': {
    kms: ['encrypt', 'decrypt', 'mac'],
    sendMail: true,
    byEmailSubmissions: 'hand-off',
  },
};

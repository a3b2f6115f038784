/**
 * The one DynamoDB table, shared by the CDK stack and the local stack so both create the same shape.
 * Sparse GSIs: the purge queue holds only ended licences, the request queue only open requests, the audit
 * index only audit events.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** DynamoDB types of every key attribute: 'S' string, 'N' number (epoch seconds sort numerically). */
  attributeTypes: {
    pk: 'S',
    sk: 'S',
    purgeShard: 'S',
    purgeAt: 'N',
    openShard: 'S',
    dueAt: 'S',
    auditLicensee: 'S',
    audienceShard: 'S',
    licenseeId: 'S',
  },
  indexes: {
    purgeQueue: { name: 'purgeQueue', partitionKey: 'purgeShard', sortKey: 'purgeAt' },
    openRequests: { name: 'openRequests', partitionKey: 'openShard', sortKey: 'dueAt' },
    /** Audit events by licensee: they outlive the purge, as proof of what was done. */
    auditByLicensee: { name: 'auditByLicensee', partitionKey: 'auditLicensee', sortKey: 'sk' },
    /** Active licensees: partition AUDIENCE (did not opt out; marketing's only source) and NOTICES (opted out). */
    marketingAudience: { name: 'marketingAudience', partitionKey: 'audienceShard', sortKey: 'licenseeId' },
  },
} as const;

export const keys = {
  licensee: (licenseeId: string) => `LICENSEE#${licenseeId}`,
  profile: 'PROFILE',
  signInCode: 'SIGNIN',
  session: (tokenHash: string) => `SESSION#${tokenHash}`,
  request: (requestId: string) => `REQUEST#${requestId}`,
  disclosure: (disclosureId: string) => `DISCLOSURE#${disclosureId}`,
  budgetReview: (reviewId: string) => `BUDGETREVIEW#${reviewId}`,
  email: (emailIndex: string) => `EMAIL#${emailIndex}`,
  emailOwner: 'LICENSEE',
  audit: (yearMonth: string) => `AUDIT#${yearMonth}`,
} as const;

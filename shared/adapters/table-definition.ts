/**
 * The one DynamoDB table, shared by the CDK stack and the local stack so both create the same shape.
 * Sparse GSIs: the purge queue holds only ended licences, the request queue only open requests.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** DynamoDB types of every key attribute: 'S' string, 'N' number (epoch seconds sort numerically). */
  attributeTypes: { pk: 'S', sk: 'S', purgeShard: 'S', purgeAt: 'N', openShard: 'S', dueAt: 'S' },
  indexes: {
    purgeQueue: { name: 'purgeQueue', partitionKey: 'purgeShard', sortKey: 'purgeAt' },
    openRequests: { name: 'openRequests', partitionKey: 'openShard', sortKey: 'dueAt' },
  },
} as const;

export const keys = {
  licensee: (licenseeId: string) => `LICENSEE#${licenseeId}`,
  profile: 'PROFILE',
  signInCode: 'SIGNIN',
  session: (tokenHash: string) => `SESSION#${tokenHash}`,
  request: (requestId: string) => `REQUEST#${requestId}`,
  disclosure: (disclosureId: string) => `DISCLOSURE#${disclosureId}`,
  email: (emailIndex: string) => `EMAIL#${emailIndex}`,
  emailOwner: 'LICENSEE',
  audit: (yearMonth: string) => `AUDIT#${yearMonth}`,
} as const;

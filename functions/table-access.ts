/**
 * What each function may do in the one DynamoDB table, by partition family: IAM statements with
 * `dynamodb:LeadingKeys` are built from this (infra/constructs/table-grants.ts), and locally every request of a
 * function is judged by it too (local/table-access-guard.ts), so a grant that is missing here fails the tests
 * instead of a deployment.
 *
 * Audit events are append-only: no function has UpdateItem, DeleteItem or BatchWriteItem on `AUDIT#`, only
 * PutItem, and every audit write in code is conditional on the key not existing (shared/adapters/audit-log.ts).
 * What IAM cannot express is "PutItem only if new": the append-only guarantee rests on IAM (nothing can change
 * or delete an audit item) plus keys nobody can guess (month + timestamp + ULID) that only the functions
 * which read the audit trail (admin, ttl-audit, job-runner) could learn. See README, "Least privilege in the table".
 */
import { tableDefinition } from '../shared/adapters/table-definition.js';

/** The partition families of the table: each a `dynamodb:LeadingKeys` pattern (IAM StringLike). */
export const partitions = {
  licensee: 'LICENSEE#*',
  email: 'EMAIL#*',
  audit: 'AUDIT#*',
  reference: 'REFERENCE#*',
  intake: 'MAIL#*',
  autoReply: 'AUTOREPLY#*',
  inbox: 'INBOX',
  job: 'JOB#*',
  /** Within the job store: which job holds a once-per-key job (a statement version's notice). */
  jobOnce: 'JOB#ONCE',
  /** The breach register (one partition): staff only. */
  breach: 'BREACH',
  /** Outgoing mail: every function that sends mail only adds to it; the mail-sender delivers. */
  outbox: 'OUTBOX#*',
  /** Per-recipient daily mail budgets (the mail-sender's, and a sign-in code's own) and the suppression list. */
  mailBudget: 'MAILBUDGET#*',
  suppressed: 'SUPPRESSED#*',
} as const;
export type Partition = keyof typeof partitions;

export type ItemAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'ConditionCheckItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem';
export type IndexName = keyof typeof tableDefinition.indexes;

export interface TableAccess {
  /** Per partition family, the item actions allowed there (a transaction's items count one by one). */
  items: Partial<Record<Partition, readonly ItemAction[]>>;
  /** The GSIs it may query (Query only, on each index's exact ARN). */
  indexes: readonly IndexName[];
}

/** One IAM statement on the table: these actions, only where every leading key matches one of the patterns. */
export interface TableStatement {
  actions: ItemAction[];
  leadingKeys: string[];
}

/**
 * Families with the same actions share one statement, as IAM needs for a request naming several of them at
 * once (BatchWriteItem judges all its keys against one statement's `ForAllValues:StringLike`).
 */
export function tableStatements(access: TableAccess): TableStatement[] {
  const byActions = new Map<string, TableStatement>();
  for (const [family, actions] of Object.entries(access.items) as [Partition, ItemAction[]][]) {
    const sorted = [...new Set(actions)].sort();
    const key = sorted.join(',');
    const statement = byActions.get(key) ?? { actions: sorted, leadingKeys: [] };
    statement.leadingKeys.push(partitions[family]);
    byActions.set(key, statement);
  }
  return [...byActions.values()];
}

export interface RequestedAccess {
  action: string;
  leadingKeys: string[];
  /** Set for a query on a GSI. */
  index?: string;
}

const matches = (pattern: string, key: string) =>
  pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern;

/** IAM's verdict on one request (or one item of a transaction), given the function's statements. */
export function isAllowed(access: TableAccess, requested: RequestedAccess): boolean {
  if (requested.index !== undefined) {
    return (
      requested.action === 'Query' &&
      access.indexes.some((name) => tableDefinition.indexes[name].name === requested.index)
    );
  }
  // An item request always names its keys; one without (a Scan) matches no statement here, unlike IAM's
  // vacuous ForAllValues, and no function is granted Scan in IAM either.
  if (requested.leadingKeys.length === 0) return false;
  return tableStatements(access).some(
    (statement) =>
      statement.actions.includes(requested.action as ItemAction) &&
      requested.leadingKeys.every((key) => statement.leadingKeys.some((pattern) => matches(pattern, key))),
  );
}

/** Every function that touches the table, HTTP and background alike. */
export const tableFunctionNames = [
  'licensee-signup',
  'session',
  'self-service',
  'admin',
  'marketing-unsubscribe',
  'budget-review',
  'privacy-requests',
  'privacy-requests-by-email',
  'mail-intake',
  'request-hygiene',
  'retention-sweeper',
  'ttl-audit',
  'deadline-watch',
  'budget-review-cleanup',
  'job-runner',
  'mail-sender',
] as const;
export type TableFunction = (typeof tableFunctionNames)[number];

/**
 * Read from the code paths each function runs (shared/adapters/* name the keys), and proven locally: every
 * request the integration and browser tests make through a function is judged by this table.
 */
export const tableAccess: Record<TableFunction, TableAccess> = {
  // Pending profile and email owner (one transaction), the signup code on the profile.
  'licensee-signup': {
    items: { licensee: ['GetItem', 'PutItem'], email: ['GetItem', 'PutItem'], outbox: ['PutItem'] },
    indexes: [],
  },
  // Looks the address up; spends and stores codes in the address's partition (for unregistered addresses too);
  // creates and ends sessions; never an audit event.
  session: {
    items: {
      licensee: ['GetItem', 'PutItem', 'DeleteItem'],
      email: ['GetItem', 'PutItem', 'DeleteItem'],
      outbox: ['PutItem'],
      // A code mail's unit of the day budget, spent with the code record (shared/services/session.ts).
      mailBudget: ['UpdateItem'],
    },
    indexes: [],
  },
  // Overview, corrections, email change (moves the email owner), marketing, export; the licensee's own
  // licence end (TTL backstop on every item and on the email owner, with its audit event); an email change
  // ends the other sessions.
  'self-service': {
    items: {
      licensee: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      email: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
      audit: ['PutItem'],
      outbox: ['PutItem'],
    },
    indexes: [],
  },
  // Staff: requests (and their notes), licence ends, holds, disclosures, budget reviews, marketing audiences,
  // reports (audit months and by licensee), finding a licensee by address, the breach register, starting and
  // showing jobs; the staff inbox (general mail: read, handled, turned into a request with its reference).
  // Purges run in the job runner: admin deletes nothing.
  admin: {
    items: {
      licensee: ['GetItem', 'ConditionCheckItem', 'Query', 'PutItem', 'UpdateItem'],
      email: ['GetItem', 'UpdateItem'],
      reference: ['GetItem', 'PutItem'],
      audit: ['Query', 'PutItem'],
      job: ['GetItem', 'PutItem'],
      breach: ['GetItem', 'Query', 'PutItem'],
      inbox: ['GetItem', 'PutItem'],
      outbox: ['PutItem'],
    },
    indexes: ['openRequests', 'auditByLicensee', 'marketingAudience'],
  },
  // The opt-out flag on the profile and its audit event.
  'marketing-unsubscribe': {
    items: { licensee: ['GetItem', 'PutItem'], audit: ['PutItem'] },
    indexes: [],
  },
  // The licensee's reviews in their partition, the decision's audit event.
  'budget-review': {
    items: { licensee: ['GetItem', 'Query', 'PutItem'], audit: ['PutItem'] },
    indexes: [],
  },
  // Requests by web form: by session or by email (a reference; a slot of the cap on unconfirmed requests in the
  // licensee's partition), confirmed by reference and code; the workflow's steps (opt-out on the profile) and their audit events; "this was not
  // me" ends every session of the licensee.
  'privacy-requests': {
    items: {
      licensee: ['GetItem', 'Query', 'PutItem', 'DeleteItem'],
      email: ['GetItem'],
      reference: ['GetItem', 'PutItem'],
      audit: ['PutItem'],
      outbox: ['PutItem'],
      // A waiting request's code mailed again spends its unit of the day budget with the new code.
      mailBudget: ['UpdateItem'],
    },
    indexes: [],
  },
  // The by-email worker (a sealed submission handed off by privacy-requests): the address's owner and profile,
  // then, for a registered address, the request with its reference, slots and audit event, or the newest
  // waiting request's code again with its unit of the day budget; the neutral mail for any other address.
  'privacy-requests-by-email': {
    items: {
      licensee: ['GetItem', 'Query', 'PutItem'],
      email: ['GetItem'],
      reference: ['PutItem'],
      audit: ['PutItem'],
      outbox: ['PutItem'],
      mailBudget: ['UpdateItem'],
    },
    indexes: [],
  },
  // One inbound mail: its intake record, the sender's owner and profile, a request (with reference) or an
  // inbox item, and the workflow's steps with their audit events (the one automatic reply per window is the
  // mail-sender's to keep).
  'mail-intake': {
    items: {
      licensee: ['GetItem', 'Query', 'PutItem'],
      email: ['GetItem'],
      intake: ['GetItem', 'PutItem'],
      inbox: ['GetItem', 'PutItem'],
      reference: ['PutItem'],
      audit: ['PutItem'],
      outbox: ['PutItem'],
      // Beyond the cap of unconfirmed requests: the newest one's code again, its budget unit spent with it.
      mailBudget: ['UpdateItem'],
    },
    indexes: [],
  },
  // Open, unconfirmed and retry shards of the deadline index; reminders, closing, retried steps.
  'request-hygiene': {
    items: {
      licensee: ['GetItem', 'Query', 'PutItem'],
      email: ['GetItem'],
      audit: ['PutItem'],
      outbox: ['PutItem'],
    },
    indexes: ['openRequests'],
  },
  // Due licensees from the purge queue; deletes their partition (batches) and email owner, records the
  // purge's progress on the profile, then deletes the profile and writes the certificate in one transaction.
  'retention-sweeper': {
    items: {
      licensee: ['Query', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      email: ['DeleteItem'],
      audit: ['PutItem'],
    },
    indexes: ['purgeQueue'],
  },
  // A licensee's audit events by index (was the licence ended?), then one event per backstop deletion.
  'ttl-audit': { items: { audit: ['PutItem'] }, indexes: ['auditByLicensee'] },
  // Requests near or past their deadline (the deadline index), and whether the current statement version's
  // notice has a job (its once-marker, no other item of the job store).
  'deadline-watch': { items: { jobOnce: ['GetItem'], outbox: ['PutItem'] }, indexes: ['openRequests'] },
  // Reviews with a deadline (shard BUDGET), each lapsed or destroyed with its audit event.
  'budget-review-cleanup': {
    items: { licensee: ['GetItem', 'PutItem'], audit: ['PutItem'] },
    indexes: ['openRequests'],
  },
  // Staff jobs: the job's partition (counters, one marker per item done, released when its step failed);
  // marketing sends (audience index, profiles, each send's audit event); approved deletions' purges (the
  // sweeper's resumable purge: progress on the profile, batches, email owner, profile + certificate) and
  // re-purges after a restore (the audit months it reads the purge certificates from); a statement version's
  // notice (the audience index's both partitions and the purge queue: everyone whose data is held).
  'job-runner': {
    items: {
      job: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      licensee: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      email: ['DeleteItem'],
      audit: ['Query', 'PutItem'],
      outbox: ['PutItem'],
    },
    indexes: ['marketingAudience', 'purgeQueue'],
  },
  // The one mail-sender: claims a pending outbox item (its lease) and spends the recipient's daily budget in one
  // transaction, takes the sender's RFC 3834 window for an automatic reply, reads the suppression list, marks
  // the item sent or dropped; the redrive finds still-pending mails through the deadline index's outbox shard.
  // SES's bounce and complaint events put an address's blind index on the suppression list.
  'mail-sender': {
    items: {
      outbox: ['GetItem', 'UpdateItem'],
      mailBudget: ['UpdateItem'],
      autoReply: ['PutItem'],
      suppressed: ['GetItem', 'PutItem'],
    },
    indexes: ['openRequests'],
  },
};

export function tableAccessOf(functionName: string): TableAccess | undefined {
  return (tableAccess as Record<string, TableAccess | undefined>)[functionName];
}

import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { z } from 'zod/mini';
import { keys } from './table-definition.js';
import { epochSeconds, type Clock } from '../domain/dates.js';
import { ConcurrentUpdateError } from '../domain/problem-error.js';
import { addressBudgetSchema, type AddressBudget } from '../domain/one-time-code.js';
import {
  disclosureRecordSchema,
  emailOwnerRecordSchema,
  privacyRequestRecordSchema,
  profileRecordSchema,
  sessionRecordSchema,
  signInCodeRecordSchema,
  type DisclosureRecord,
  type EmailOwnerRecord,
  type PrivacyRequestRecord,
  type ProfileRecord,
  type SessionRecord,
  type SignInCodeRecord,
} from '../domain/records.js';

/** The marketing audience index's partition of active licensees who did not opt out: marketing's only source. */
export const audienceShard = 'AUDIENCE';

/**
 * The same index's partition of active licensees who opted out of marketing: never mailed marketing, but
 * told of service matters every licensee must hear (a new version of the privacy statement).
 */
export const noticeOnlyShard = 'NOTICES';

/**
 * The single partition value of the sparse purge queue index: set on ended licences only (derived on every
 * profile write), so the retention sweeper finds due licensees with one query sorted by `purgeAt`.
 */
export const purgeQueueShard = 'PURGE';

export { ConcurrentUpdateError };

type Key = { pk: string; sk: string };

export interface LicenseeRepositoryOptions {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}

export type LicenseeRepository = ReturnType<typeof createLicenseeRepository>;

export function createLicenseeRepository({ client, tableName, clock }: LicenseeRepositoryOptions) {
  const toItem = (key: Key, record: object) =>
    marshall({ ...record, ...key }, { removeUndefinedValues: true, convertClassInstanceToMap: false });

  /**
   * The marketing audience partition holds exactly the active licensees who did not opt out (the opted-out
   * ones sit in the notices partition): derived here, on every profile write, so no code path can forget to
   * take an opted-out licensee out of the audience.
   */
  const profileItem = (profile: ProfileRecord) =>
    toItem(profileKey(profile.licenseeId), {
      ...profile,
      ...(profile.status === 'active'
        ? { audienceShard: profile.marketingOptOut ? noticeOnlyShard : audienceShard }
        : {}),
      ...(profile.status === 'ended' && profile.purgeAt !== undefined ? { purgeShard: purgeQueueShard } : {}),
    });

  /** A record whose TTL has passed is gone, whether or not DynamoDB has removed it yet. */
  const alive = (item: Record<string, unknown>) =>
    typeof item.expiresAt !== 'number' || item.expiresAt > epochSeconds(clock());

  function parse<S extends z.ZodMiniType>(schema: S, item: Record<string, AttributeValue>): z.infer<S> {
    const { pk: _pk, sk: _sk, purgeShard: _ps, audienceShard: _as, ...record } = unmarshall(item);
    return schema.parse(record);
  }

  async function get<S extends z.ZodMiniType>(schema: S, key: Key): Promise<z.infer<S> | undefined> {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(key), ConsistentRead: true }),
    );
    if (!Item || !alive(unmarshall(Item))) return undefined;
    return parse(schema, Item);
  }

  async function queryPrefix<S extends z.ZodMiniType>(
    schema: S,
    pk: string,
    prefix: string,
  ): Promise<z.infer<S>[]> {
    const records: z.infer<S>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: marshall({ ':pk': pk, ':prefix': prefix }),
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) if (alive(unmarshall(item))) records.push(parse(schema, item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  const profileKey = (licenseeId: string): Key => ({ pk: keys.licensee(licenseeId), sk: keys.profile });
  const emailKey = (emailIndex: string): Key => ({ pk: keys.email(emailIndex), sk: keys.emailOwner });
  const signInCodeKey = (emailIndex: string): Key => ({ pk: keys.email(emailIndex), sk: keys.signInCode });
  const addressBudgetKey = (emailIndex: string, purpose: string): Key => ({
    pk: keys.email(emailIndex),
    sk: `BUDGET#${purpose}`,
  });
  /**
   * Deletes the address's sign-in record while its `hashPath` (code or link hash) is still the one judged,
   * and puts the session, in one transaction.
   */
  const consumeSignInRecord = async (
    emailIndex: string,
    hashPath: 'code.codeHash' | 'link.secretHash',
    hash: string,
    session: SessionRecord,
  ) =>
    transact([
      {
        Delete: {
          TableName: tableName,
          Key: marshall(signInCodeKey(emailIndex)),
          ConditionExpression: '#holder.#hash = :hash',
          ExpressionAttributeNames: { '#holder': hashPath.split('.')[0]!, '#hash': hashPath.split('.')[1]! },
          ExpressionAttributeValues: marshall({ ':hash': hash }),
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: toItem(
            { pk: keys.licensee(session.licenseeId), sk: keys.session(session.secretHash) },
            session,
          ),
        },
      },
    ]);
  const versionGuard = (expectedVersion: number | undefined) =>
    expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
        };
  /** For items with a TTL: a new one may replace one whose time passed (reads already treat it as gone). */
  const lapsedOrVersion = (expectedVersion: number | undefined) =>
    expectedVersion === undefined
      ? {
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: marshall({ ':now': epochSeconds(clock()) }),
        }
      : versionGuard(expectedVersion);
  /** An email owner whose pending signup lapsed may be taken over. */
  const emailFree = () => ({
    ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
    ExpressionAttributeValues: marshall({ ':now': epochSeconds(clock()) }),
  });
  const ownedBy = (licenseeId: string) => ({
    ConditionExpression: 'licenseeId = :id',
    ExpressionAttributeValues: marshall({ ':id': licenseeId }),
  });

  async function conditionalPut(
    item: Record<string, AttributeValue>,
    condition: Pick<PutItemCommand['input'], 'ConditionExpression' | 'ExpressionAttributeValues'>,
  ): Promise<void> {
    try {
      await client.send(new PutItemCommand({ TableName: tableName, Item: item, ...condition }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentUpdateError('item changed');
      throw error;
    }
  }

  async function transact(items: NonNullable<TransactWriteItemsCommand['input']['TransactItems']>) {
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new ConcurrentUpdateError('transaction cancelled');
      throw error;
    }
  }

  return {
    findEmailOwner: (emailIndex: string): Promise<EmailOwnerRecord | undefined> =>
      get(emailOwnerRecordSchema, emailKey(emailIndex)),

    getProfile: (licenseeId: string): Promise<ProfileRecord | undefined> =>
      get(profileRecordSchema, profileKey(licenseeId)),

    /**
     * The profile write of `saveProfile` as one item of a caller's transaction (e.g. with its audit event),
     * with the same derived index attributes and version guard.
     */
    profileTransactItem: (profile: ProfileRecord, expectedVersion: number): TransactWriteItem => ({
      Put: { TableName: tableName, Item: profileItem(profile), ...versionGuard(expectedVersion) },
    }),

    /** Runs a caller's transaction; a failed condition becomes ConcurrentUpdateError. */
    transact: (items: TransactWriteItem[]): Promise<void> => transact(items),

    /** Profile and email ownership (and whatever the caller adds) are written together or not at all. */
    async createProfile(profile: ProfileRecord, also: TransactWriteItem[] = []): Promise<void> {
      const owner: EmailOwnerRecord = { licenseeId: profile.licenseeId, expiresAt: profile.expiresAt };
      await transact([
        {
          Put: {
            TableName: tableName,
            Item: profileItem(profile),
            ...versionGuard(undefined),
          },
        },
        { Put: { TableName: tableName, Item: toItem(emailKey(profile.emailIndex), owner), ...emailFree() } },
        ...also,
      ]);
    },

    /** Writes `profile` (whose version must be expectedVersion + 1) if nobody else wrote since. */
    async saveProfile(profile: ProfileRecord, expectedVersion: number): Promise<void> {
      await conditionalPut(profileItem(profile), versionGuard(expectedVersion));
    },

    /** Saves the profile and rewrites its email ownership (activation or email change) in one transaction. */
    async saveProfileWithEmailOwner(
      profile: ProfileRecord,
      expectedVersion: number,
      previousEmailIndex: string,
      also: TransactWriteItem[] = [],
    ) {
      const owner: EmailOwnerRecord = { licenseeId: profile.licenseeId, expiresAt: profile.expiresAt };
      const sameAddress = previousEmailIndex === profile.emailIndex;
      await transact([
        {
          Put: {
            TableName: tableName,
            Item: profileItem(profile),
            ...versionGuard(expectedVersion),
          },
        },
        ...(sameAddress
          ? [
              {
                Put: {
                  TableName: tableName,
                  Item: toItem(emailKey(profile.emailIndex), owner),
                  ...ownedBy(profile.licenseeId),
                },
              },
            ]
          : [
              {
                Delete: {
                  TableName: tableName,
                  Key: marshall(emailKey(previousEmailIndex)),
                  ...ownedBy(profile.licenseeId),
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: toItem(emailKey(profile.emailIndex), owner),
                  ...emailFree(),
                },
              },
            ]),
        ...also,
      ]);
    },

    /** The sign-in code of an address (registered or not: both paths do the same reads and writes). */
    getSignInCode: (emailIndex: string): Promise<SignInCodeRecord | undefined> =>
      get(signInCodeRecordSchema, signInCodeKey(emailIndex)),

    /** Writes the code record if nobody else did since it was read (new when expectedVersion is undefined). */
    /** Writes the address's code record (and whatever the caller adds, e.g. the mail carrying the code). */
    async saveSignInCode(
      emailIndex: string,
      record: SignInCodeRecord,
      expectedVersion: number | undefined,
      also: TransactWriteItem[] = [],
    ): Promise<void> {
      const item = toItem(signInCodeKey(emailIndex), record);
      if (also.length === 0) return conditionalPut(item, lapsedOrVersion(expectedVersion));
      await transact([
        { Put: { TableName: tableName, Item: item, ...lapsedOrVersion(expectedVersion) } },
        ...also,
      ]);
    },

    /**
     * Uses the code and opens the session in one transaction, only while the code is still the one judged:
     * of parallel right guesses exactly one gets a session.
     */
    async consumeSignInCode(emailIndex: string, codeHash: string, session: SessionRecord): Promise<void> {
      await consumeSignInRecord(emailIndex, 'code.codeHash', codeHash, session);
    },

    /** The same for the record's sign-in link: of parallel uses of one link exactly one gets a session. */
    async consumeSignInLink(emailIndex: string, secretHash: string, session: SessionRecord): Promise<void> {
      await consumeSignInRecord(emailIndex, 'link.secretHash', secretHash, session);
    },

    getAddressBudget: (emailIndex: string, purpose: string): Promise<AddressBudget | undefined> =>
      get(addressBudgetSchema, addressBudgetKey(emailIndex, purpose)),

    /** The budget write as one item of a caller's transaction, guarded by the version read. */
    addressBudgetTransactItem: (
      emailIndex: string,
      purpose: string,
      budget: AddressBudget,
    ): TransactWriteItem => ({
      Put: {
        TableName: tableName,
        Item: toItem(addressBudgetKey(emailIndex, purpose), budget),
        ...lapsedOrVersion(budget.version === 1 ? undefined : budget.version - 1),
      },
    }),

    async putSession(record: SessionRecord): Promise<void> {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: toItem({ pk: keys.licensee(record.licenseeId), sk: keys.session(record.secretHash) }, record),
        }),
      );
    },

    getSession: (licenseeId: string, secretHash: string): Promise<SessionRecord | undefined> =>
      get(sessionRecordSchema, { pk: keys.licensee(licenseeId), sk: keys.session(secretHash) }),

    async deleteSession(licenseeId: string, secretHash: string): Promise<void> {
      await client.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: marshall({ pk: keys.licensee(licenseeId), sk: keys.session(secretHash) }),
        }),
      );
    },

    /**
     * Ends every session of the licensee but `keep` (a session's secret hash), e.g. after an email change
     * or a "this was not me" report. Returns how many ended.
     */
    async endSessions(licenseeId: string, keep?: string): Promise<number> {
      const sessions = await queryPrefix(sessionRecordSchema, keys.licensee(licenseeId), keys.session(''));
      const ending = sessions.filter((session) => session.secretHash !== keep);
      await Promise.all(
        ending.map((session) =>
          client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: marshall({ pk: keys.licensee(licenseeId), sk: keys.session(session.secretHash) }),
            }),
          ),
        ),
      );
      return ending.length;
    },

    listRequests: (licenseeId: string): Promise<PrivacyRequestRecord[]> =>
      queryPrefix(privacyRequestRecordSchema, keys.licensee(licenseeId), keys.request('')),

    listDisclosures: (licenseeId: string): Promise<DisclosureRecord[]> =>
      queryPrefix(disclosureRecordSchema, keys.licensee(licenseeId), keys.disclosure('')),
  };
}

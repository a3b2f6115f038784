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
import type { z } from 'zod';
import { keys } from './table-definition.js';
import { epochSeconds, type Clock } from '../domain/dates.js';
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

/** Another writer changed the record first; the caller re-reads and decides again. */
export class ConcurrentUpdateError extends Error {
  override name = 'ConcurrentUpdateError';
}

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

  function parse<S extends z.ZodType>(schema: S, item: Record<string, AttributeValue>): z.infer<S> {
    const { pk: _pk, sk: _sk, purgeShard: _ps, audienceShard: _as, ...record } = unmarshall(item);
    return schema.parse(record);
  }

  async function get<S extends z.ZodType>(schema: S, key: Key): Promise<z.infer<S> | undefined> {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(key), ConsistentRead: true }),
    );
    if (!Item || !alive(unmarshall(Item))) return undefined;
    return parse(schema, Item);
  }

  async function queryPrefix<S extends z.ZodType>(
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
  const versionGuard = (expectedVersion: number | undefined) =>
    expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
        };
  /** An email owner whose pending signup lapsed may be taken over. */
  const emailFree = () => ({
    ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
    ExpressionAttributeValues: marshall({ ':now': epochSeconds(clock()) }),
  });
  const ownedBy = (licenseeId: string) => ({
    ConditionExpression: 'licenseeId = :id',
    ExpressionAttributeValues: marshall({ ':id': licenseeId }),
  });

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

    /** Profile and email ownership are written together or not at all. */
    async createProfile(profile: ProfileRecord): Promise<void> {
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
      ]);
    },

    /** Writes `profile` (whose version must be expectedVersion + 1) if nobody else wrote since. */
    async saveProfile(profile: ProfileRecord, expectedVersion: number): Promise<void> {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: profileItem(profile),
            ...versionGuard(expectedVersion),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException)
          throw new ConcurrentUpdateError('profile changed');
        throw error;
      }
    },

    /** Saves the profile and rewrites its email ownership (activation or email change) in one transaction. */
    async saveProfileWithEmailOwner(
      profile: ProfileRecord,
      expectedVersion: number,
      previousEmailIndex: string,
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
      ]);
    },

    getSignInCode: (licenseeId: string): Promise<SignInCodeRecord | undefined> =>
      get(signInCodeRecordSchema, { pk: keys.licensee(licenseeId), sk: keys.signInCode }),

    async putSignInCode(record: SignInCodeRecord): Promise<void> {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: toItem({ pk: keys.licensee(record.licenseeId), sk: keys.signInCode }, record),
        }),
      );
    },

    async deleteSignInCode(licenseeId: string): Promise<void> {
      await client.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: marshall({ pk: keys.licensee(licenseeId), sk: keys.signInCode }),
        }),
      );
    },

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

    listRequests: (licenseeId: string): Promise<PrivacyRequestRecord[]> =>
      queryPrefix(privacyRequestRecordSchema, keys.licensee(licenseeId), keys.request('')),

    listDisclosures: (licenseeId: string): Promise<DisclosureRecord[]> =>
      queryPrefix(disclosureRecordSchema, keys.licensee(licenseeId), keys.disclosure('')),
  };
}

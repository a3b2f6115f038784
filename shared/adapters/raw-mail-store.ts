import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { localCredentials } from './local-credentials.js';

/**
 * One S3 client per container. With `S3_ENDPOINT` (local stack only) it talks to s3rver: path-style
 * addressing and checksums only where required (s3rver does not speak the SDK's default CRC32 trailers).
 */
export function createS3Client(config: { AWS_REGION: string; S3_ENDPOINT?: string }): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    ...(config.S3_ENDPOINT
      ? {
          endpoint: config.S3_ENDPOINT,
          credentials: localCredentials,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
}

/** The tag the bucket's short lifecycle rule matches (raw mail holding patient data, quarantined mail). */
export const shortRetentionTag = { key: 'retention', value: 'short' } as const;

/** A raw message is gone (lifecycle expiry or an earlier deletion). */
export class RawMailMissingError extends Error {
  override name = 'RawMailMissingError';
}

export type RawMailStore = ReturnType<typeof createRawMailStore>;

/** Raw inbound MIME as SES's S3 action stored it (SSE-KMS with the bucket's key; no key is named here). */
export function createRawMailStore({ s3, bucket }: { s3: S3Client; bucket: string }) {
  return {
    async get(key: string): Promise<Buffer> {
      try {
        const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!Body) throw new RawMailMissingError('empty body');
        return Buffer.from(await Body.transformToByteArray());
      } catch (error) {
        if (error instanceof NoSuchKey) throw new RawMailMissingError('no such key');
        throw error;
      }
    },

    /** What SES does in AWS; used by the local SMTP server and tests only. */
    async put(key: string, raw: Buffer): Promise<void> {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: raw, ContentType: 'message/rfc822' }),
      );
    },

    /** Puts the object under the short lifecycle rule (a backstop for the deletion that follows). */
    async markShortRetention(key: string): Promise<void> {
      await s3.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: key,
          Tagging: { TagSet: [{ Key: shortRetentionTag.key, Value: shortRetentionTag.value }] },
        }),
      );
    },

    async delete(key: string): Promise<void> {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

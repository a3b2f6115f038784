import { createRequire } from 'node:module';
import { localCredentials } from '../shared/adapters/local-credentials.js';
import { claimPort } from './ports.js';

/** The part of s3rver 3 (CommonJS, untyped) the local stack uses. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose: boolean;
  allowMismatchedSignatures: boolean;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rverInstance;

export interface LocalS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * An S3-compatible store on 127.0.0.1 (s3rver), holding raw inbound mail where SES's S3 action would put it.
 * Objects live under `directory` as plain files; `persistent: false` wipes them on close. What s3rver does
 * not do, and the AWS code path does not rely on locally: SSE-KMS, lifecycle expiry, the Tagging header on
 * PutObject (PutObjectTagging works).
 */
export async function startLocalS3(options: {
  port: number;
  directory: string;
  buckets: readonly string[];
  persistent: boolean;
}): Promise<LocalS3> {
  const port = await claimPort(options.port, 's3');
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverConstructor;
  // s3rver knows one key pair (S3RVER); the functions sign with the local stack's dummy credentials.
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(localCredentials.accessKeyId, localCredentials.secretAccessKey);
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory: options.directory,
    resetOnClose: !options.persistent,
    allowMismatchedSignatures: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  return { endpoint: `http://127.0.0.1:${address.port}`, port: address.port, close: () => server.close() };
}

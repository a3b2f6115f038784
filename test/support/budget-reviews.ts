import { createHash } from 'node:crypto';
import type { LocalApi } from './local-api.js';

/** Where the API lets the browser PUT a review's file: a presigned URL and the headers it signed. */
export interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

/** Base64 of a file's SHA-256, as the upload-url route and S3's x-amz-checksum-sha256 want it. */
export const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');

/** Asks for an upload URL for `file`, as the portal does: the API's answer, whatever its status. */
export const uploadUrl = (
  api: LocalApi,
  token: string,
  reviewId: string,
  file: Buffer,
  contentType = 'text/csv',
) =>
  api.call('POST', '/api/me/budget-reviews/upload-url', {
    token,
    body: { reviewId, contentType, bytes: file.length, sha256: sha256Of(file) },
  });

/** PUTs `body` to the presigned URL with the headers given (the browser's fetch, from Node). */
export const putUpload = (target: UploadTarget, body: Buffer, headers = target.headers) =>
  fetch(target.url, { method: 'PUT', headers, body });

/** `file` uploaded for the review through the presigned URL the API signs for it, as the portal does. */
export async function uploaded(
  api: LocalApi,
  token: string,
  reviewId: string,
  file: Buffer,
): Promise<UploadTarget> {
  const signed = await uploadUrl(api, token, reviewId, file);
  if (signed.status !== 200) throw new Error(`upload-url answered ${signed.status}`);
  const put = await putUpload(signed.body as UploadTarget, file);
  if (put.status !== 200) throw new Error(`the presigned PUT answered ${put.status}`);
  return signed.body as UploadTarget;
}

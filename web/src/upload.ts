import { policy } from '../../shared/domain/policy.js';
import type { TextKey } from './texts.js';

/**
 * The file a licensee may share for a budget check: the five types the API accepts
 * (POST /api/me/budget-reviews/upload-url), at most `policy.budgetReview.maxUploadBytes`. Checked in the browser
 * so that a wrong file never travels; the API checks again. DOM-free.
 */
export const uploadTypes = {
  'application/pdf': ['pdf'],
  'text/csv': ['csv'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
} as const satisfies Record<string, readonly string[]>;
export type UploadContentType = keyof typeof uploadTypes;

const contentTypes = Object.keys(uploadTypes) as UploadContentType[];

/** The file input's `accept`: extensions and types, since systems label the same file differently. */
export const uploadAccept = [
  ...Object.values(uploadTypes).flatMap((extensions) => extensions.map((extension) => `.${extension}`)),
  ...contentTypes,
].join(',');

/**
 * The content type to send: the browser's own when it is one of the five, else the one the extension names
 * (Windows labels a .csv `application/vnd.ms-excel`; some systems give no type at all).
 */
export function uploadContentType(name: string, type: string): UploadContentType | undefined {
  if ((contentTypes as string[]).includes(type)) return type as UploadContentType;
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return contentTypes.find((candidate) => (uploadTypes[candidate] as readonly string[]).includes(extension));
}

/** What is wrong with a chosen file, as a text key; undefined when it may be sent. */
export function uploadProblem(
  file: { name: string; type: string; size: number } | undefined,
): TextKey | undefined {
  if (!file) return 'budget.fileRequired';
  if (!uploadContentType(file.name, file.type)) return 'budget.fileType';
  if (file.size === 0) return 'budget.fileEmpty';
  if (file.size > policy.budgetReview.maxUploadBytes) return 'budget.fileTooLarge';
  return undefined;
}

/** Standard base64 of bytes (a SHA-256 digest, as S3's x-amz-checksum-sha256 wants it). */
export function base64OfBytes(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

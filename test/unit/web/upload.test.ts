import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { budgetReviewStatusSchema } from '../../../shared/domain/budget-review.js';
import { policy } from '../../../shared/domain/policy.js';
import { uploadUrlSchema } from '../../../shared/services/budget-review.js';
import { budgetReviewStatusTexts, texts } from '../../../web/src/texts.js';
import {
  base64OfBytes,
  uploadAccept,
  uploadContentType,
  uploadProblem,
  uploadTypes,
} from '../../../web/src/upload.js';

describe('budget-review upload (checked in the browser before it travels)', () => {
  it('accepts exactly the content types the API accepts', () => {
    const apiTypes = uploadUrlSchema.shape.contentType.options;
    expect(Object.keys(uploadTypes).sort()).toEqual([...apiTypes].sort());
    for (const type of apiTypes) expect(uploadAccept.split(',')).toContain(type);
    expect(uploadAccept).toContain('.xlsx');
  });

  it('takes the browser’s type when allowed, else the extension’s', () => {
    expect(uploadContentType('a.csv', 'text/csv')).toBe('text/csv');
    expect(uploadContentType('Begroting.CSV', 'application/vnd.ms-excel')).toBe('text/csv');
    expect(uploadContentType('scan.jpeg', '')).toBe('image/jpeg');
    expect(uploadContentType('begroting.xlsx', '')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(uploadContentType('notes.docx', 'application/msword')).toBeUndefined();
    expect(uploadContentType('noextension', '')).toBeUndefined();
  });

  it('refuses a missing, empty, wrong or too large file, up to the policy’s limit', () => {
    const max = policy.budgetReview.maxUploadBytes;
    expect(uploadProblem(undefined)).toBe('budget.fileRequired');
    expect(uploadProblem({ name: 'a.csv', type: 'text/csv', size: 0 })).toBe('budget.fileEmpty');
    expect(uploadProblem({ name: 'a.exe', type: 'application/x-msdownload', size: 10 })).toBe(
      'budget.fileType',
    );
    expect(uploadProblem({ name: 'a.pdf', type: 'application/pdf', size: max + 1 })).toBe(
      'budget.fileTooLarge',
    );
    expect(uploadProblem({ name: 'a.pdf', type: 'application/pdf', size: max })).toBeUndefined();
    expect(texts['budget.fileTooLarge'].nl).toContain(`${max / (1024 * 1024)} MB`);
  });

  it('writes a digest in the base64 S3 checks it in', () => {
    const digest = createHash('sha256').update('a;b').digest();
    expect(base64OfBytes(new Uint8Array(digest))).toBe(digest.toString('base64'));
    expect(base64OfBytes(new Uint8Array([0xfb, 0xff]))).toBe('+/8=');
    expect(
      uploadUrlSchema.safeParse({
        reviewId: '01J0000000000000000000000A',
        contentType: 'text/csv',
        bytes: 3,
        sha256: digest.toString('base64'),
      }).success,
    ).toBe(true);
    expect(
      uploadUrlSchema.safeParse({
        reviewId: '01J0000000000000000000000A',
        contentType: 'text/csv',
        bytes: 3,
        sha256: 'YTti',
      }).success,
    ).toBe(false);
  });

  it('names every review status, and states the destruction term from the policy', () => {
    expect(Object.keys(budgetReviewStatusTexts).sort()).toEqual([...budgetReviewStatusSchema.options].sort());
    const days = String(policy.budgetReview.destroyUploadAfterDays);
    for (const key of ['budget.intro', 'budget.explain', 'budget.shared'] as const) {
      expect(texts[key].nl).toContain(`${days} dagen`);
      expect(texts[key].en).toContain(`${days} days`);
    }
  });
});

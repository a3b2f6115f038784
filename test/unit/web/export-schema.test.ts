/**
 * The JSON Schema at /api/export-schema is a file written ahead of time (shared/services/export-schema.json),
 * not generated per request: zod's generator stays out of self-service's bundle. It must be exactly what zod
 * derives from the export's schema today, and the export itself must satisfy the schema's shape.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportSchemaFile, exportSchemaText } from '../../../cli/export-schema.js';
import { exportJsonSchema } from '../../../shared/services/export.js';
import { generateExportJsonSchema } from '../../../shared/services/export-schema.js';

describe('the export JSON Schema file', () => {
  it('is what zod derives from licenseeExportSchema (else run `npm run generate:export-schema`)', async () => {
    const written = readFileSync(exportSchemaFile, 'utf8');
    expect(JSON.parse(written), 'npm run generate:export-schema').toStrictEqual(
      JSON.parse(JSON.stringify(generateExportJsonSchema())),
    );
    expect(written, 'npm run generate:export-schema').toBe(await exportSchemaText());
  });

  it('is what the route serves', async () => {
    const served = await exportJsonSchema();
    expect(served).toStrictEqual(JSON.parse(readFileSync(exportSchemaFile, 'utf8')));
    expect(served).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { profile: { type: 'object' }, privacyRequests: { type: 'array' } },
    });
  });
});

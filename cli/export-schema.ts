/**
 * `npm run generate:export-schema`: writes shared/services/export-schema.json, the JSON Schema of the export
 * that `/api/export-schema` serves, from its zod schema (shared/services/export-schema.ts). Run it after
 * changing any schema the export holds; test/unit/web/export-schema.test.ts fails until you do.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { generateExportJsonSchema } from '../shared/services/export-schema.js';

export const exportSchemaFile = fileURLToPath(
  new URL('../shared/services/export-schema.json', import.meta.url),
);

/** The file's text: the generated schema as prettier writes JSON (so `prettier --check .` stays green). */
export const exportSchemaText = async (): Promise<string> =>
  format(JSON.stringify(generateExportJsonSchema()), {
    ...(await resolveConfig(exportSchemaFile)),
    filepath: exportSchemaFile,
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(exportSchemaFile, await exportSchemaText());
  process.stdout.write(`wrote ${exportSchemaFile}\n`);
}

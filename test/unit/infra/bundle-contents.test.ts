/**
 * No function bundles a heavy module it never calls, and the rarely used ones load only on the paths that use
 * them. Each function is bundled as the stack bundles it (infra/bundling.ts, the options NodejsFunction hands
 * esbuild), in memory; the metafile says which packages each output file holds, and which files index.mjs
 * imports statically (what Lambda reads at cold init) or only through a dynamic `import()` (a lazy chunk).
 */
import { existsSync, readdirSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../../infra/bundling.js';
import { staffMessages } from '../../../shared/domain/staff-problems.js';

const functionNames = readdirSync('functions')
  .filter((name) => existsSync(`functions/${name}/handler.ts`))
  .sort();

interface Rule {
  what: string;
  /** Package names (scoped as `@scope/name`) that make up the module. */
  packages: RegExp;
  /** Exactly the functions that call it. */
  onlyIn: string[];
  /** Reached only through a dynamic import: in a chunk of its own, not even read at cold init. */
  lazy?: boolean;
  /** Lazy in these functions only (the others call it on every invocation). */
  lazyIn?: string[];
}

const rules: Rule[] = [
  {
    what: 'pdf-lib (the overview PDF)',
    packages: /^(?:pdf-lib|@pdf-lib\/.+|pako)$/,
    onlyIn: ['self-service'],
    lazy: true,
  },
  {
    // Envelope encryption, for payloads over KMS's 4 KB and for items written before KMS Encrypt/Decrypt.
    what: 'the AWS Encryption SDK',
    packages:
      /^(?:@aws-crypto\/(?:client-node|decrypt-node|encrypt-node|material-management)|asn1\.js|bn\.js)$/,
    onlyIn: [
      'admin',
      'job-runner',
      'licensee-signup',
      'mail-intake',
      'privacy-requests',
      'privacy-requests-by-email',
      'request-hygiene',
      'self-service',
    ],
    lazy: true,
  },
  {
    // The Encryption SDK's umbrella package re-exports it; its DynamoDB command set would be read at init.
    what: 'the branch keystore of the hierarchical keyring (never used)',
    packages: /^@aws-crypto\/(?:client-node|branch-keystore-node)$/,
    onlyIn: [],
  },
  {
    // Only typed input is checked against ibantools: a stored profile's IBAN and country are read by shape.
    what: 'ibantools (IBAN and country checks)',
    packages: /^ibantools$/,
    onlyIn: ['licensee-signup', 'self-service'],
    // self-service: only a profile change takes a typed IBAN or address (functions/self-service/on-first-use.ts);
    // licensee-signup: only the signup itself, not its confirmation.
    lazyIn: ['licensee-signup', 'self-service'],
  },
  {
    what: 'postal-mime (inbound MIME)',
    packages: /^postal-mime$/,
    // admin: the staff inbox shows and answers a general mail from its raw MIME.
    onlyIn: ['admin', 'mail-intake'],
    lazyIn: ['admin'],
  },
  {
    // postal-mime carries its own entity table; HTML-only bodies are decoded by mail-intake/html-entities.ts.
    what: 'entities (a second HTML entity table, replaced)',
    packages: /^entities$/,
    onlyIn: [],
  },
  {
    what: 'mailparser and its tree (replaced)',
    packages: /^(?:mailparser|iconv-lite|libmime|html-to-text)$/,
    onlyIn: [],
  },
  {
    // Logs and EMF metrics are ours (shared/observability/): Powertools' logger, metrics and commons were
    // ≈ 33 KB read at every function's cold init.
    what: 'Powertools (replaced)',
    packages: /^@aws-lambda-powertools\/.+$/,
    onlyIn: [],
  },
  { what: 'jose (staff tokens)', packages: /^jose$/, onlyIn: ['admin'] },
  {
    // privacy-requests: the by-email hand-off (one Event invocation of the worker), imported on its first call.
    what: 'the Lambda client (starting jobs, handing off by-email requests)',
    packages: /^@aws-sdk\/client-lambda$/,
    onlyIn: ['admin', 'job-runner', 'privacy-requests'],
    lazyIn: ['privacy-requests'],
  },
  {
    what: 'the S3 client',
    packages: /^@aws-sdk\/client-s3$/,
    onlyIn: [
      'admin',
      'budget-review',
      'budget-review-cleanup',
      'job-runner',
      'mail-intake',
      'retention-sweeper',
    ],
  },
];

const packageOf = (input: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];

/** The output files read at cold init: index.mjs and every chunk it imports statically, transitively. */
function readAtInit(metafile: Metafile): Set<string> {
  const index = Object.keys(metafile.outputs).find((file) => file.endsWith('/index.mjs'))!;
  const reached = new Set<string>();
  const queue = [index];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const imported of metafile.outputs[file]!.imports) {
      if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
    }
  }
  return reached;
}

/** Every output file of a function's bundle, as text (what its chunks say). */
const bundleText = new Map<string, string>();
const bundles = new Map<
  string,
  {
    packages: Set<string>;
    atInit: Set<string>;
    inputs: Set<string>;
    inputsAtInit: Set<string>;
    /** Node built-ins imported statically by what is read at cold init. */
    builtinsAtInit: Set<string>;
  }
>();

beforeAll(async () => {
  await Promise.all(
    functionNames.map(async (name) => {
      const { metafile, outputFiles } = await build({
        ...esbuildOptions,
        entryPoints: [`functions/${name}/handler.ts`],
        outdir: name,
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      bundleText.set(name, outputFiles.map((file) => file.text).join('\n'));
      const atInit = readAtInit(metafile);
      const inputsOf = (files: string[]) =>
        new Set(
          files.flatMap((file) =>
            Object.entries(metafile.outputs[file]!.inputs)
              .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
              .map(([input]) => input),
          ),
        );
      const packagesIn = (files: string[]) =>
        new Set(
          files
            .flatMap((file) =>
              Object.entries(metafile.outputs[file]!.inputs)
                .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
                .map(([input]) => packageOf(input)),
            )
            .filter((p): p is string => p !== undefined),
        );
      bundles.set(name, {
        packages: packagesIn(Object.keys(metafile.outputs)),
        atInit: packagesIn([...atInit]),
        // Source files with code in the bundle (a module tree-shaken away is an input of 0 bytes).
        inputs: inputsOf(Object.keys(metafile.outputs)),
        inputsAtInit: inputsOf([...atInit]),
        builtinsAtInit: new Set(
          [...atInit].flatMap((file) =>
            metafile.outputs[file]!.imports.filter(
              (imported) => imported.external && imported.kind === 'import-statement',
            ).map((imported) => imported.path.replace(/^node:/, '')),
          ),
        ),
      });
    }),
  );
}, 120_000);

describe('what each function bundle holds', () => {
  it('bundles every function of functions/', () => {
    expect([...bundles.keys()].sort()).toEqual(functionNames);
    expect(functionNames).toEqual(expect.arrayContaining(['mail-intake', 'self-service', 'admin']));
  });

  it.each(rules.map((rule) => [rule.what, rule] as const))(
    '%s: only in the functions that call it',
    (_what, rule) => {
      const holding = functionNames.filter((name) =>
        [...bundles.get(name)!.packages].some((pkg) => rule.packages.test(pkg)),
      );
      expect(holding).toEqual([...rule.onlyIn].sort());
    },
  );

  it('zod only as zod/mini: no function carries classic zod or a locale', () => {
    // One classic `import * as z from 'zod'` anywhere in a graph brings all of it (≈ 100 KB read at init).
    const zodFiles = (name: string, kind: RegExp) =>
      [...bundles.get(name)!.inputs].filter((input) => kind.test(input)).length > 0;
    expect(
      functionNames.filter((name) => zodFiles(name, /node_modules\/zod\/v4\/(?:classic|locales)\//)),
    ).toEqual([]);
    expect(functionNames.filter((name) => !zodFiles(name, /node_modules\/zod\/v4\/mini\//))).toEqual([]);
  });

  it("zod's JSON Schema generator in no function: /api/export-schema serves a file written ahead of time", () => {
    const generator =
      /node_modules\/zod\/v4\/core\/(?:to-json-schema|json-schema-processors|json-schema-generator)\.js$/;
    expect(
      functionNames.filter((name) => [...bundles.get(name)!.inputs].some((input) => generator.test(input))),
    ).toEqual([]);
    const schemaFile = 'shared/services/export-schema.json';
    expect(bundles.get('self-service')!.inputs).toContain(schemaFile);
    expect(bundles.get('self-service')!.inputsAtInit).not.toContain(schemaFile);
  });

  it('self-service reads only the profile read at cold init: the changes, their mails and the licence end load on first use', () => {
    const atInit = [...bundles.get('self-service')!.inputsAtInit];
    const onFirstUse = [
      'shared/domain/licensee-input.ts',
      'shared/domain/patient-text.ts',
      'shared/services/profile-changes.ts',
      'shared/services/mail-templates.ts',
      'shared/mail/layout.ts',
      'shared/services/retention/licence.ts',
      'shared/adapters/retention-store.ts',
    ];
    expect(atInit.filter((input) => onFirstUse.includes(input))).toEqual([]);
    expect([...bundles.get('self-service')!.inputs]).toEqual(expect.arrayContaining(onFirstUse));
  });

  it('each function carries only the mails it sends: the templates are grouped by flow', () => {
    const sends = (name: string, ...texts: string[]) =>
      texts.filter((text) => bundleText.get(name)!.includes(text));
    const subjects = {
      signup: 'Bevestig uw aanmelding',
      signIn: 'Uw inlogcode',
      profile: 'Uw gegevens zijn gewijzigd',
      budgetReview: 'Verzoek om gegevens voor een begroting',
    };
    const all = Object.values(subjects);
    expect(sends('licensee-signup', ...all)).toEqual([subjects.signup]);
    expect(sends('session', ...all)).toEqual([subjects.signup, subjects.signIn]);
    expect(sends('self-service', ...all)).toEqual([subjects.profile]);
    expect(sends('marketing-unsubscribe', ...all)).toEqual([]);
  });

  it('only the staff API carries the staff problem texts', () => {
    const staffText = staffMessages['breach-changed'].nl;
    expect(functionNames.filter((name) => bundleText.get(name)!.includes(staffText))).toEqual(['admin']);
  });

  it.each(rules.filter((rule) => rule.lazy || rule.lazyIn).map((rule) => [rule.what, rule] as const))(
    '%s: loaded only on the paths that use it, never at cold init',
    (_what, rule) => {
      for (const name of rule.lazyIn ?? rule.onlyIn) {
        const atInit = [...bundles.get(name)!.atInit].filter((pkg) => rule.packages.test(pkg));
        expect({ function: name, atInit }).toEqual({ function: name, atInit: [] });
      }
    },
  );

  it('admin (the staff API) builds each route group on its first call: at init only its clients and the token check', () => {
    const admin = bundles.get('admin')!;
    const atInit = (folder: string) =>
      [...admin.inputsAtInit].filter((input) => input.startsWith(folder)).sort();
    // The clients (DynamoDB, KMS, S3, Lambda: made once per container) and the staff token check (every call).
    expect(atInit('shared/adapters/')).toEqual([
      'shared/adapters/dynamodb-client.ts',
      'shared/adapters/kms-client.ts',
      'shared/adapters/lambda-job-invoker.ts',
      'shared/adapters/load-once.ts',
      'shared/adapters/local-access.ts',
      'shared/adapters/local-credentials.ts',
      'shared/adapters/raw-mail-store.ts',
      'shared/adapters/remote-key-set.ts',
      'shared/adapters/staff-token-verifier.ts',
    ]);
    // No route group's wiring, service or domain module (the domain modules build their schemas at import).
    expect(atInit('shared/services/')).toEqual(['shared/services/staff/staff-actor.ts']);
    expect(atInit('shared/wiring/')).toEqual(['shared/wiring/admin.ts', 'shared/wiring/clients.ts']);
    const groupDomain = [
      'audit',
      'breach',
      'job',
      'licensee',
      'patient-text',
      'privacy-request',
      'retention',
    ];
    expect(
      atInit('shared/domain/').filter((input) =>
        groupDomain.some((name) => input === `shared/domain/${name}.ts`),
      ),
    ).toEqual([]);
    // jose's fetch-based remote key set loads Node's undici (≈ 20 ms); shared/adapters/remote-key-set.ts does not,
    // nor does it import node:http at init (an ES module import of it loads undici on Node 22).
    expect([...admin.builtinsAtInit].filter((builtin) => builtin === 'http')).toEqual([]);
    expect(
      [...admin.inputs].filter((input) => input.includes('node_modules/jose/dist/webapi/jwks/remote')),
    ).toEqual([]);
  });
});

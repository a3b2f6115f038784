/**
 * The function bundles `cdk deploy` would upload: a real synth of the app (bundling on, the same
 * `infra/bundling.ts` options, cdk.json's context), every AWS::Lambda::Function of the template with its
 * asset. The list of functions comes from the template, so a function added to the stack is tested at once.
 * Each bundle is copied to a folder outside the repository, so a module it does not carry cannot be found in
 * the project's node_modules (as in Lambda, where nothing else is there).
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, STACK_NAME } from '../../infra/app.js';

const repoRoot = new URL('../../', import.meta.url);

export interface DeployedBundle {
  /** The function's name in the stack (`functions/<name>/handler.ts`). */
  name: string;
  /** index.mjs of the asset (with its chunks), copied out of the repository. */
  file: string;
  handler: string;
  runtime: string;
}

export interface DeployedBundles {
  bundles: DeployedBundle[];
  remove(): Promise<void>;
}

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> };

export async function synthDeployedBundles(): Promise<DeployedBundles> {
  const outdir = await mkdtemp(join(tmpdir(), 'zorgsom-synth-'));
  const copies = await mkdtemp(join(tmpdir(), 'zorgsom-bundles-'));
  const remove = async () => {
    await rm(outdir, { recursive: true, force: true });
    await rm(copies, { recursive: true, force: true });
  };
  try {
    const cdkJson = JSON.parse(await readFile(new URL('cdk.json', repoRoot), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const { app } = buildApp({
      outdir,
      // What the CDK CLI adds: construct paths and asset paths on each resource.
      context: {
        ...cdkJson.context,
        'aws:cdk:enable-path-metadata': true,
        'aws:cdk:enable-asset-metadata': true,
      },
    });
    app.synth();
    const template = JSON.parse(await readFile(join(outdir, `${STACK_NAME}.template.json`), 'utf8')) as {
      Resources: Record<string, Resource>;
    };
    const bundles: DeployedBundle[] = [];
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const path = resource.Metadata?.['aws:cdk:path'] ?? '';
      const asset = resource.Metadata?.['aws:asset:path'];
      // Functions of our own are `<...>/<name>/Function/Resource`; CDK's helper functions have other paths.
      const name = /\/([^/]+)\/Function\/Resource$/.exec(path)?.[1];
      if (!name || !asset) continue;
      // The whole asset: index.mjs and the chunks of its lazily imported modules.
      const file = join(copies, name, 'index.mjs');
      await cp(join(outdir, asset), join(copies, name), { recursive: true });
      bundles.push({
        name,
        file,
        handler: String(resource.Properties.Handler),
        runtime: String(resource.Properties.Runtime),
      });
    }
    return { bundles: bundles.sort((a, b) => a.name.localeCompare(b.name)), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { buildApp } from '../../infra/app.js';
import type { ZorgSomPrivacyStack } from '../../infra/stack.js';

/** Same feature flags as `cdk synth` (cdk.json). */
export const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

export interface Synthesised {
  app: App;
  stack: ZorgSomPrivacyStack;
  outdir: string;
  /** Every CloudFormation template the cloud assembly holds (all stacks of the app, all regions). */
  templates: string[];
  remove: () => void;
}

/**
 * Builds and synthesises the app exactly as `cdk synth` does (the same buildApp, cdk.json's flags, cdk-nag),
 * with bundling skipped, into a temporary folder. `context` adds what `-c key=value` would.
 */
export function synthesise(context: Record<string, string> = {}): Synthesised {
  const outdir = mkdtempSync(join(tmpdir(), 'zorgsom-synth-'));
  const { app, stack } = buildApp({
    outdir,
    context: { ...cdkContext, ...context },
    postCliContext: { 'aws:cdk:bundling-stacks': [] },
  });
  app.synth();
  const templates = readdirSync(outdir)
    .filter((name) => name.endsWith('.template.json'))
    .map((name) => join(outdir, name));
  return { app, stack, outdir, templates, remove: () => rmSync(outdir, { recursive: true, force: true }) };
}

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, type WebBuild } from '../../../local/web-build.js';
import { policy } from '../../../shared/domain/policy.js';
import { policyTexts } from '../../../shared/domain/policy-texts.js';
import { pages, renderPages } from '../../../web/src/pages.js';
import { contentSecurityPolicy, portalMetaContentSecurityPolicy } from '../../../web/src/security.js';
import { legalBasisTexts, requestTypeTexts, texts } from '../../../web/src/texts.js';

const rendered = renderPages({ script: '/assets/app-TEST.js', stylesheet: '/assets/styles-TEST.css' });
const files = Object.entries(rendered);

const attributeValues = (html: string, attribute: string): string[] =>
  [...html.matchAll(new RegExp(`\\s${attribute}="([^"]*)"`, 'g'))].map((match) => match[1] ?? '');

describe('generated pages', () => {
  it('makes one file per page', () => {
    expect(Object.keys(rendered).sort()).toEqual(
      Object.values(pages)
        .map((page) => page.file)
        .sort(),
    );
    expect(rendered['index.html']).toBeDefined();
    // Mails link to these two pages (shared/services/requests/request-mails.ts).
    expect(rendered['privacy-request.html']).toBeDefined();
    expect(rendered['confirm-request.html']).toBeDefined();
  });

  it('meta CSP: every fetch directive self but connect-src, which the header sets with the upload bucket', () => {
    const meta = Object.fromEntries(
      portalMetaContentSecurityPolicy.split('; ').map((directive) => directive.split(/ (.*)/s).slice(0, 2)),
    );
    for (const name of ['script-src', 'style-src', 'img-src', 'font-src', 'frame-src', 'worker-src'])
      expect(meta[name]).toBe("'self'");
    expect(meta['object-src']).toBe("'none'");
    // Either would also bind fetch(), and a page obeys every policy it gets: the upload would be blocked.
    expect(meta['default-src']).toBeUndefined();
    expect(meta['connect-src']).toBeUndefined();
    expect(portalMetaContentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    const header = contentSecurityPolicy('https://uploads.s3.eu-west-1.amazonaws.com');
    expect(header).toContain(
      "default-src 'self'; connect-src 'self' https://uploads.s3.eu-west-1.amazonaws.com;",
    );
    expect(header).toContain("frame-ancestors 'none'");
  });

  it.each(files)(
    '%s: Dutch by default, CSP meta, no inline script or style, nothing from elsewhere',
    (_file, html) => {
      expect(html).toMatch(/^<!doctype html>\n<html lang="nl">/);
      expect(html).toContain(
        `<meta http-equiv="Content-Security-Policy" content="${portalMetaContentSecurityPolicy}">`,
      );
      // Every <script> has a src and no body; no style attribute, no <style>, no event-handler attributes.
      expect(
        [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].every(
          (match) => match[1] === '' && /\ssrc="\/assets\//.test(match[0]),
        ),
      ).toBe(true);
      expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=|javascript:/i);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    },
  );

  it.each(files)(
    '%s: every text has a key with both languages, ids are unique, every input has a label',
    (_file, html) => {
      for (const key of attributeValues(html, 'data-i18n')) expect(Object.keys(texts)).toContain(key);
      const ids = attributeValues(html, 'id');
      expect(new Set(ids).size).toBe(ids.length);
      const labelled = new Set(attributeValues(html, 'for'));
      for (const input of html.matchAll(/<(input|textarea)\b[^>]*\sid="([^"]+)"/g)) {
        expect(labelled, input[2]).toContain(input[2]);
      }
      // aria-describedby points at elements on the page.
      for (const list of attributeValues(html, 'aria-describedby')) {
        for (const id of list.split(' ')) expect(ids).toContain(id);
      }
    },
  );

  it('links only to pages that exist', () => {
    const targets = new Set(['/', '/favicon.svg', ...Object.values(pages).map((page) => `/${page.file}`)]);
    for (const [, html] of files) {
      for (const href of attributeValues(html, 'href')) {
        if (href.startsWith('#') || href.startsWith('/assets/')) continue;
        expect(targets, href).toContain(href);
      }
    }
  });
});

describe('privacy statement: generated from the policy file', () => {
  const statement = rendered['privacy.html'] ?? '';
  const home = rendered['index.html'] ?? '';
  it('has the five sections of the statement, the AVG, controller, contact, version and date', () => {
    expect(statement.match(/<section aria-labelledby="[a-z-]+-title" id="[a-z-]+">/g)).toHaveLength(5);
    for (const n of [1, 2, 3, 4, 5]) expect(statement).toMatch(new RegExp(`<h2 [^>]*>${n}\\. `));
    expect(statement).toContain('Algemene Verordening Gegevensbescherming (AVG)');
    expect(statement).toContain(`Versie ${policy.statement.version}, geldig vanaf 1 december 2026.`);
    expect(statement).toContain(policy.controller.contactEmail);
    expect(statement).toContain(policy.controller.supervisoryAuthority);
    expect(statement).toContain(`Verantwoordelijk voor uw gegevens is ${policy.controller.name}`);
  });

  it('lists exactly the data categories and purposes of the policy, with legal bases, in both languages', () => {
    for (const category of policy.dataCategories) {
      expect(statement).toContain(`data-nl="${category.nl}" data-en="${category.en}"`);
    }
    for (const purpose of policyTexts.purposes) {
      expect(statement).toContain(`data-nl="${purpose.nl}"`);
      expect(statement).toContain(`data-en="${legalBasisTexts[purpose.legalBasis].en}"`);
    }
    for (const type of Object.values(requestTypeTexts)) expect(statement).toContain(type.nl);
  });

  it('speaks plain Dutch: none of the jargon the first portal used', () => {
    for (const html of [statement, home]) {
      expect(html).not.toMatch(/KMS|envelope|geaudit|metrieken|audit ?log|TLS|DynamoDB|Lambda/i);
    }
  });

  it('the home page repeats the statement, not a rewrite of it, and links to it', () => {
    for (const claim of ['data-categories', 'retention', 'deadline', 'patient-data-refused']) {
      const start = home.indexOf(`data-claim="${claim}"`);
      const end = home.indexOf('data-claim=', start + 1);
      const tag = home.lastIndexOf('<', start);
      const onHome = attributeValues(
        home.slice(tag, end === -1 ? undefined : home.lastIndexOf('<', end)),
        'data-nl',
      );
      expect(onHome.length, claim).toBeGreaterThan(0);
      for (const text of onHome) expect(statement, claim).toContain(`data-nl="${text}"`);
    }
    expect(home).toContain('href="/privacy.html"');
    expect(texts['home.intro'].nl).not.toMatch(/medische gegevens|BSN/);
  });
});

describe('budget-check page', () => {
  const page = rendered['budget-reviews.html'] ?? '';
  it('is linked from the signed-in navigation of every page', () => {
    for (const [file, html] of files) {
      expect(html, file).toMatch(
        /<li data-when="signed-in" hidden><a data-i18n="nav.budgetReviews" href="\/budget-reviews\.html"/,
      );
    }
    expect(page).toContain('href="/budget-reviews.html" aria-current="page"');
  });

  it('explains the destruction term from the policy and has the regions the script fills', () => {
    expect(page).toContain(`${policy.budgetReview.destroyUploadAfterDays} dagen nadat de controle`);
    for (const id of ['budget-reviews-view', 'budget-reviews-error', 'budget-reviews-success']) {
      expect(page).toContain(`id="${id}"`);
    }
  });
});

describe('build (esbuild)', () => {
  let outDir: string;
  let built: WebBuild;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'zorgsom-web-'));
    built = await buildWeb(outDir);
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('writes every page plus one hashed script and stylesheet that the pages reference', async () => {
    const assets = built.files.filter((file) => file.startsWith('assets/'));
    expect(assets).toHaveLength(2);
    expect(assets.every((file) => /^assets\/(app|styles)-[A-Z0-9]+\.(js|css)$/.test(file))).toBe(true);
    const index = await readFile(join(outDir, 'index.html'), 'utf8');
    for (const asset of assets) expect(index).toContain(`/${asset}`);
    const script = await readFile(join(outDir, assets.find((file) => file.endsWith('.js')) ?? ''), 'utf8');
    expect(script.length).toBeLessThan(100_000);
    expect(script).not.toMatch(/\beval\(|new Function\(|innerHTML/);
  });
});

describe('type check of the browser code (DOM types; not part of the root tsconfig)', () => {
  it('passes tsc -p web/tsconfig.json', () => {
    const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
    const project = fileURLToPath(new URL('../../../web/tsconfig.json', import.meta.url));
    expect(() => execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'pipe' })).not.toThrow();
  }, 60_000);
});

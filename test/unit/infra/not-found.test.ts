/** The CloudFront Functions that answer unknown portal URLs with the Dutch 404 page (status 404). */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { notFoundFunctionCode } from '../../../infra/constructs/web.js';
import { pages } from '../../../web/src/pages.js';

type Handler = (event: unknown) => { uri?: string; statusCode?: number };
const load = (code: string): Handler => {
  const sandbox: { handler?: Handler } = {};
  runInNewContext(`${code}\nthis.handler = handler;`, sandbox);
  if (!sandbox.handler) throw new Error('no handler');
  return sandbox.handler;
};

describe('404 at the edge', () => {
  const code = notFoundFunctionCode();
  const request = load(code.request);
  const response = load(code.response);
  const uriAfter = (uri: string) => request({ request: { uri } }).uri;

  it('passes every page, the favicon and the assets through', () => {
    for (const page of Object.values(pages)) expect(uriAfter(`/${page.file}`)).toBe(`/${page.file}`);
    expect(uriAfter('/')).toBe('/');
    expect(uriAfter('/favicon.svg')).toBe('/favicon.svg');
    expect(uriAfter('/assets/app-ABC123.js')).toBe('/assets/app-ABC123.js');
  });

  it('sends anything else to the 404 page, which then answers 404', () => {
    for (const uri of ['/nope', '/my-data', '/wp-login.php', '/index.htm', '/.env']) {
      expect(uriAfter(uri)).toBe('/404.html');
    }
    expect(response({ request: { uri: '/404.html' }, response: { statusCode: 200 } }).statusCode).toBe(404);
    expect(response({ request: { uri: '/index.html' }, response: { statusCode: 200 } }).statusCode).toBe(200);
  });
});

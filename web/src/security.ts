/**
 * The portal's content security policy: everything from its own origin, no inline script or style, no
 * framing. CloudFront sends it as a header (infra/constructs/web.ts); every page also carries it in a
 * <meta> tag, so `npm start` and the browser tests run under the same policy. DOM-free.
 */
const directives: [string, string][] = [
  ['default-src', "'self'"],
  ['base-uri', "'self'"],
  ['form-action', "'self'"],
  ['object-src', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** The header form (CloudFront's response headers policy). */
export const contentSecurityPolicy = directives.map(([name, value]) => `${name} ${value}`).join('; ');

/** The <meta> form: browsers ignore frame-ancestors there (and warn about it), so it is left out. */
export const metaContentSecurityPolicy = directives
  .filter(([name]) => name !== 'frame-ancestors')
  .map(([name, value]) => `${name} ${value}`)
  .join('; ');

/** Features the portal never uses. */
export const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

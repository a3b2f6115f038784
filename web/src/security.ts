/**
 * The content security policy: everything from its own origin, no inline script or style, no framing. The
 * one exception is the portal's upload of a budget-review file, which goes straight to the upload bucket on a
 * presigned URL, so `connect-src` also names that bucket's origin (in AWS its regional S3 domain, locally
 * the local S3). CloudFront sends the header form (infra/constructs/web.ts), `npm start`'s server the same
 * (local/http-server.ts), so the browser tests run under AWS's policy. DOM-free.
 */
const common: [string, string][] = [
  ['base-uri', "'self'"],
  ['form-action', "'self'"],
  ['object-src', "'none'"],
];

/** The header form: `default-src 'self'`, plus the upload bucket for fetch/XHR only. */
export function contentSecurityPolicy(uploadOrigin?: string): string {
  return [
    ['default-src', "'self'"],
    ['connect-src', uploadOrigin ? `'self' ${uploadOrigin}` : "'self'"],
    ...common,
    ['frame-ancestors', "'none'"],
  ]
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/**
 * The portal pages' <meta> form. A page must obey every policy it gets, so a meta `default-src 'self'` would
 * block the upload whatever the header allows: the meta form names each fetch directive but connect-src
 * (left to the header, which always comes with the page) and leaves out frame-ancestors (ignored in meta).
 */
export const portalMetaContentSecurityPolicy = [
  ...[
    'script-src',
    'style-src',
    'img-src',
    'font-src',
    'media-src',
    'manifest-src',
    'worker-src',
    'frame-src',
    'child-src',
  ].map((name): [string, string] => [name, "'self'"]),
  ...common,
]
  .map(([name, value]) => `${name} ${value}`)
  .join('; ');

/** The staff console's <meta> form: all from its own origin (its downloads are plain links, not fetches). */
export const metaContentSecurityPolicy = [['default-src', "'self'"], ...common]
  .map(([name, value]) => `${name} ${value}`)
  .join('; ');

/** Features the portal never uses. */
export const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

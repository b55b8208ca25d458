/**
 * Headers on every response. The CSP allows only same-origin scripts and styles (no inline code,
 * no eval): the one script, which hashes the PV in the browser, is a static file. `connect-src`
 * also lets that script PUT the PV to the S3 bucket's presigned URL.
 */
export const securityHeaders = (options: { uploadOrigin?: string } = {}): Record<string, string> => ({
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${options.uploadOrigin ? ` ${options.uploadOrigin}` : ''}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cross-origin-opener-policy': 'same-origin',
});

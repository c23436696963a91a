/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addon: must be required at run time from node_modules, never bundled.
  serverExternalPackages: ['better-sqlite3', '@node-rs/argon2'],
  poweredByHeader: false,
  // proxy.ts sets the security headers, but it does not see the upload route (it would clone the body).
  async headers() {
    const headers = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
      { key: 'Cache-Control', value: 'no-store' },
      { key: 'Referrer-Policy', value: 'same-origin' },
    ];
    return [
      { source: '/api/uploads', headers },
      { source: '/api/v1/uploads', headers },
    ];
  },
  experimental: {
    // Server actions keep Next.js's 1 MB body limit (no `serverActions.bodySizeLimit`): files go to
    // route handlers that stream them (/api/uploads), never through an action.
    //
    // For every request but GET and HEAD that proxy.ts matches, Next.js copies the body into two
    // buffers, one for the proxy and one for the route, whether or not the proxy reads it, and waits
    // for the body's end before it sends the proxy's answer or runs the route
    // (next/dist/server/body-streams.js getCloneableBody, next-server.js runMiddleware). Past this
    // size it keeps the first bytes only and drops the rest with a warning: no error, the route gets
    // a truncated body. So this bounds what any one body holds in memory, anonymous or not, and it
    // must not be below the action limit, or a valid action body would arrive cut short. proxy.ts
    // refuses a body declared above it, or sent without a declared length.
    proxyClientMaxBodySize: '1mb',
    // forbidden() for pages a signed-in operator's role does not allow.
    authInterrupts: true,
  },
};

const withNextIntl = require('next-intl/plugin')('./lib/entry/request-config.ts');

module.exports = withNextIntl(nextConfig);

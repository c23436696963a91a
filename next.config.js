/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addon: must be required at run time from node_modules, never bundled.
  serverExternalPackages: ['better-sqlite3', '@node-rs/argon2'],
  poweredByHeader: false,
  experimental: {
    // CSV uploads go through a server action. The file limit is 64 MiB (lib/csv/limits.ts); the
    // margin lets a slightly larger file reach our own check, which names the limit, instead of
    // failing with a bare 413 for the multipart overhead.
    serverActions: { bodySizeLimit: '80mb' },
    // proxy.ts (headers, sign-in redirect) would otherwise cut request bodies at 10 MB.
    proxyClientMaxBodySize: '80mb',
    // forbidden() for pages a signed-in operator's role does not allow.
    authInterrupts: true,
  },
};

module.exports = nextConfig;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addon: must be required at run time from node_modules, never bundled.
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  experimental: {
    // CSV uploads (issue: bulk) go through server actions; 64 MiB is the spec's file limit.
    serverActions: { bodySizeLimit: '64mb' },
  },
};

module.exports = nextConfig;

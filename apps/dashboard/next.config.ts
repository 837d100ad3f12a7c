import path from 'node:path';
import type { NextConfig } from 'next';

/** The monorepo root: the libs the dashboard imports (@genlab/*) live there, outside this app. */
const repoRoot = path.join(__dirname, '..', '..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // grpc-js opens sockets and loads its own files at run time: use Node's require, not the bundle.
  serverExternalPackages: ['@grpc/grpc-js', '@grpc/proto-loader'],
};

export default nextConfig;

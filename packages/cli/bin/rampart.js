#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in ../dist (built by `npm ci` through the root `prepare`).
import('../dist/bin.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write('rampart: the CLI is not built yet; run `npm run build` at the repository root.\n');
    process.exitCode = 1;
    return;
  }
  throw error;
});

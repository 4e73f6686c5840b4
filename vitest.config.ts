import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// esbuild (vitest's default transform) drops decorator metadata, which the
// handler decorators rely on; swc with legacy decorators emits it.
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
      },
    }),
  ],
  oxc: false,
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // CI reads the counts from the JSON report to print its closing line.
    reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: '.ci/out/vitest.json' }]] : ['default'],
  },
});

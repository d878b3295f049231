import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@fjord/source'] },
  ssr: { resolve: { conditions: ['@fjord/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})

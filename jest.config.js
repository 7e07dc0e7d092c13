/**
 * NestJS 12 ships as ES modules, which Jest loads only in its native ESM mode
 * (`--experimental-vm-modules`, see the `test` script). The build stays CommonJS: Node
 * 20.19+ requires ES modules from CommonJS natively, so only the tests need this.
 * Unit specs live beside the code (*.spec.ts); end-to-end suites in test/ (*.e2e-spec.ts);
 * medium specs (services on the real database, no HTTP) in test/medium/ (*.medium-spec.ts).
 *
 * Two tiers, one run each: `npm test` runs `core`, which needs nothing but Node (PostgreSQL is
 * embedded when DATABASE_URL is unset); `npm run test:integration` runs the suites that need
 * software the README does not ask a newcomer to install. A new such suite joins INTEGRATION.
 * The tier comes from SCHOOLYARD_TEST_TIER rather than `--selectProjects`, which takes every
 * word after it as a project name: `npm test -- test/isolation.e2e-spec.ts` would run them all.
 */

/** Suites (file names without `.e2e-spec.ts`) that need other servers: PgBouncer, Redis. */
const INTEGRATION = ['pgbouncer', 'shared-limits', 'shared-counters'];

/** What every tier shares: how TypeScript and the workspace's modules load. */
const project = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json' }] },
  moduleNameMapper: {
    // A few CommonJS dependencies require() packages that are ESM-only. Node 20.19+ allows
    // that; Jest's module system does so only on Node 24.9+. For the tests, those packages
    // resolve to their previous major, the CommonJS build of the same API.
    '^content-disposition$': '<rootDir>/node_modules/content-disposition-cjs/dist/index.js',
    '^cookie$': '<rootDir>/node_modules/cookie-cjs/dist/index.js',
    '^@schoolyard/migrations/(public|tenant)$': '<rootDir>/migrations/$1/index.ts',
    '^@schoolyard/(.*)$': '<rootDir>/libs/$1/index.ts',
  },
};

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  projects: [
    {
      ...project,
      displayName: 'core',
      testMatch: [
        '<rootDir>/{apps,libs,migrations,scripts}/**/*.spec.ts',
        `<rootDir>/test/**/!(${INTEGRATION.join('|')}).e2e-spec.ts`,
        '<rootDir>/test/medium/*.medium-spec.ts',
      ],
    },
    {
      ...project,
      displayName: 'integration',
      testMatch: [`<rootDir>/test/**/@(${INTEGRATION.join('|')}).e2e-spec.ts`],
    },
  ].filter((tier) => tier.displayName === (process.env.SCHOOLYARD_TEST_TIER || 'core')),
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
  // Each suite loads the whole application into a new module context, and a worker kept
  // them all: 0.7-1.3 GiB by the end of a full run, which it then took over a second to
  // free on exit (jest-worker allows 500 ms). A worker past this is replaced between suites.
  workerIdleMemoryLimit: '512MB',
};

/**
 * Two projects, one `jest` run (`npm test` runs both):
 * - unit: the pure tests of test/unit — no build, no apt, no server; `npm run test:unit` runs them
 *   alone in seconds, as any user, on a machine without slapd, PostgreSQL or PHP.
 * - integration: everything that starts a process or a server (slapd, PostgreSQL, the simulator, a
 *   real Moodle, the CLI from dist/). Its global set-up builds dist/ and installs the Debian packages.
 * @type {import('jest').Config}
 */
const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // jose (under the Agents SDK's jwks-rsa) ships ES modules only: Node 20 requires them, Jest's runtime does not.
    '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' }, isolatedModules: true }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};

module.exports = {
  // Integration tests start servers (slapd, the simulator): give them room, and keep two workers on 2 cores.
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'], testMatch: ['**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/'],
      globalSetup: '<rootDir>/test/global-setup.js',
    },
  ],
};

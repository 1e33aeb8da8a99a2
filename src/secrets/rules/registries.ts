/** Package and artifact registries: npm, PyPI, RubyGems, Docker, NuGet, Clojars, JFrog. */
import type { SecretRule } from '../types.js';
import {
  BASE62, BASE64, BASE64URL, HEX, LOWER_ALNUM, checksummedToken, fakeUuid, generator, isBasicCredential,
  isPlaceholderPassword, toBase64,
} from './support.js';

const g = generator('registries');
const uuid = () => fakeUuid(g);
const dockerConfig = (auth: string) => `{\n  "auths": {\n    "https://index.docker.io/v1/": {\n      "auth": "${auth}"\n    }\n  }\n}`;

export const REGISTRY_RULES: readonly SecretRule[] = [
  {
    id: 'npm-token',
    description: 'npm access token',
    keywords: ['npm_'],
    pattern: /(?<![\w-])(?<secret>npm_[A-Za-z0-9]{36})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`//registry.npmjs.org/:_authToken=${checksummedToken('npm_', g)}`, `NPM_TOKEN=npm_${g(BASE62, 36)}`],
      negative: ['NPM_TOKEN=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'npm_config_registry=https://registry.npmjs.org/', 'process.env.npm_package_version'],
    },
  },
  {
    id: 'npmrc-auth-token',
    description: 'Registry auth token in an .npmrc / .yarnrc',
    keywords: ['_authtoken'],
    // Legacy npm tokens are bare UUIDs: only the `:_authToken=` line tells them apart from an id.
    pattern: /:_authToken[ \t]*=[ \t]*["']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9._~+/=-]{20,600})(?![\w.~+/=-])/g,
    entropy: 3,
    examples: {
      positive: [`//registry.npmjs.org/:_authToken=${uuid()}`, `//npm.pkg.example.com/:_authToken="${g(BASE64URL, 40)}"`],
      negative: ['//registry.npmjs.org/:_authToken=${NPM_TOKEN}', '//registry.npmjs.org/:_authToken=', '//npm.pkg.github.com/:_authToken=<token>'],
    },
  },
  {
    id: 'nuget-config-password',
    description: 'Clear-text package source password in a NuGet.Config',
    keywords: ['cleartextpassword'],
    // Plain `Password` values are DPAPI-encrypted for one Windows user: not usable elsewhere.
    pattern: /<add\s+key="ClearTextPassword"\s+value="(?<secret>[^"\s]{4,200})"/gi,
    validate: (value) => !isPlaceholderPassword(value) && !/^[%$]/.test(value),
    entropy: 2.5,
    examples: {
      positive: [
        `<packageSourceCredentials>\n  <github>\n    <add key="Username" value="ci" />\n    <add key="ClearTextPassword" value="${g(BASE62, 16)}" />\n  </github>\n</packageSourceCredentials>`,
        `<add key="ClearTextPassword" value="${g(BASE62, 10)}!${g(BASE62, 6)}"/>`,
      ],
      negative: [
        '<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />',
        '<add key="ClearTextPassword" value="password" />',
        `<add key="Password" value="AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA${g(BASE64, 120)}" />`,
      ],
    },
  },
  {
    id: 'pypi-token',
    description: 'PyPI / TestPyPI API token',
    keywords: ['pypi-ageichlwas5vcmc', 'pypi-agendgvzdc5wexbplm9yzw'],
    // The fixed part is the macaroon header naming pypi.org (or test.pypi.org).
    pattern: /(?<![\w-])(?<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc${g(BASE64URL, 160)}`, `TWINE_PASSWORD=pypi-AgENdGVzdC5weXBpLm9yZw${g(BASE64URL, 120)}`],
      negative: ['password = pypi-AgEIcHlwaS5vcmc...', 'TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'],
    },
  },
  {
    id: 'rubygems-api-key',
    description: 'RubyGems API key',
    keywords: ['rubygems_'],
    pattern: /(?<![\w-])(?<secret>rubygems_[a-f0-9]{48})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`---\n:rubygems_api_key: rubygems_${g(HEX, 48)}`, `GEM_HOST_API_KEY="rubygems_${g(HEX, 48)}"`],
      negative: [`rubygems_${g(HEX, 40)}`, 'gem push --key rubygems_api_key pkg/app.gem'],
    },
  },
  {
    id: 'docker-config-auth',
    description: 'Registry credentials in a Docker config.json (base64 user:password)',
    keywords: ['"auth"'],
    pattern: /"auth"[ \t]*:[ \t]*"(?<secret>[A-Za-z0-9+/]{8,1024}={0,2})"/g,
    validate: isBasicCredential,
    examples: {
      positive: [dockerConfig(toBase64(`ci-bot:${g(BASE62, 24)}`)), `{"auths":{"ghcr.io":{"auth":"${toBase64(`octo:${g(BASE62, 20)}`)}"}}}`],
      negative: [
        dockerConfig(toBase64('username:password')),
        '{"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "desktop"}',
        // Valid base64 that is not `user:password`.
        `{"auth": "${toBase64(g(BASE62, 30))}"}`,
      ],
    },
  },
  {
    id: 'docker-hub-token',
    description: 'Docker Hub personal or organization access token',
    keywords: ['dckr_pat_', 'dckr_oat_'],
    pattern: /(?<![\w-])(?<secret>dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,40})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`echo "dckr_pat_${g(BASE64URL, 27)}" | docker login -u ci --password-stdin`, `DOCKERHUB_TOKEN=dckr_pat_${g(BASE64URL, 27)}`],
      negative: ['DOCKERHUB_TOKEN=dckr_pat_XXXXXXXXXXXXXXXXXXXXXXXXXXX', `dckr_pat_${g(BASE62, 10)}`],
    },
  },
  {
    id: 'nuget-api-key',
    description: 'NuGet.org API key',
    keywords: ['oy2'],
    pattern: /(?<![\w-])(?<secret>oy2[a-z0-9]{43})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`dotnet nuget push app.nupkg --api-key oy2${g(LOWER_ALNUM, 43)} --source https://api.nuget.org/v3/index.json`, `NUGET_API_KEY=oy2${g(LOWER_ALNUM, 43)}`],
      negative: [`oy2${g(LOWER_ALNUM, 20)}`, 'NUGET_API_KEY=oy2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    },
  },
  {
    id: 'clojars-token',
    description: 'Clojars deploy token',
    keywords: ['clojars_'],
    pattern: /(?<![\w-])(?<secret>CLOJARS_[a-z0-9]{60})(?![\w-])/gi,
    entropy: 3,
    examples: {
      positive: [`CLOJARS_PASSWORD=CLOJARS_${g(LOWER_ALNUM, 60)}`, `:password "CLOJARS_${g(LOWER_ALNUM, 60)}"`],
      negative: ['CLOJARS_USERNAME=acme', `CLOJARS_${g(LOWER_ALNUM, 30)}`],
    },
  },
  {
    id: 'jfrog-api-key',
    description: 'JFrog Artifactory API key',
    keywords: ['akcp'],
    pattern: /(?<![\w-])(?<secret>AKCp[A-Za-z0-9]{69})(?![\w-])/g,
    entropy: 4.5,
    examples: {
      positive: [`ARTIFACTORY_API_KEY=AKCp${g(BASE62, 69)}`, `curl -H "X-JFrog-Art-Api: AKCp8${g(BASE62, 68)}" https://acme.jfrog.io/artifactory/api/repositories`],
      negative: [`AKCp${g(BASE62, 40)}`, 'X-JFrog-Art-Api: AKCpXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'],
    },
  },
  {
    id: 'jfrog-reference-token',
    description: 'JFrog reference (identity) token',
    keywords: ['cmvmdgtuojaxoj'],
    // base64 of "reftkn:01:", the fixed start of every reference token.
    pattern: /(?<![\w+/-])(?<secret>cmVmdGtuOjAxOj[A-Za-z0-9]{50})(?![\w+/=-])/g,
    entropy: 4,
    examples: {
      positive: [`JF_ACCESS_TOKEN=cmVmdGtuOjAxOj${g(BASE62, 50)}`, `Authorization: Bearer cmVmdGtuOjAxOj${g(BASE62, 50)}`],
      negative: [`cmVmdGtuOjAxOj${g(BASE62, 20)}`, `data = "${g(BASE64, 30)}cmVmdGtuOjAxOj${g(BASE62, 50)}"`],
    },
  },
];

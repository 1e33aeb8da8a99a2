/**
 * Infrastructure SaaS: secret managers (Vault, Doppler, 1Password), observability (Datadog,
 * Sentry, Grafana, New Relic, Dynatrace), data platforms (Databricks, PlanetScale, Supabase) and
 * identity and edge services (Okta, Auth0, Algolia, Fastly).
 */
import type { SecretRule } from '../types.js';
import { BASE62, BASE64, BASE64URL, HEX, UPPER_ALNUM, assigned, decodesToJson, generator, toBase64 } from './support.js';

const g = generator('saas');
const noPad = (text: string) => text.replace(/=+$/, '');
const onePassword = () =>
  `ops_${noPad(toBase64(JSON.stringify({
    signInAddress: 'acme.1password.com',
    userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: g(BASE64URL, 22) },
    email: `${g(BASE62, 13).toLowerCase()}@1passwordserviceaccounts.com`,
    srpX: g(HEX, 64),
    muk: { alg: 'A256GCM', ext: true, k: g(BASE64URL, 43), key_ops: ['encrypt', 'decrypt'], kty: 'oct', kid: 'mp' },
    secretKey: `A3-${g(UPPER_ALNUM, 6)}-${g(UPPER_ALNUM, 6)}-${g(UPPER_ALNUM, 5)}-${g(UPPER_ALNUM, 5)}-${g(UPPER_ALNUM, 5)}-${g(UPPER_ALNUM, 5)}`,
    deviceUuid: g(BASE62, 26).toLowerCase(),
  })))}`;
const sentryOrgToken = () =>
  `sntrys_${noPad(toBase64(JSON.stringify({ iat: 1718000000.5, url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: 'acme' })))}_${g(BASE64, 43)}`;
const grafanaKey = () => toBase64(JSON.stringify({ k: g(BASE62, 32), n: 'ci', id: 1 }));

export const SAAS_RULES: readonly SecretRule[] = [
  {
    id: 'vault-service-token',
    description: 'HashiCorp Vault service token',
    keywords: ['hvs.'],
    pattern: /(?<![\w.-])(?<secret>hvs\.(?:[A-Za-z0-9]{24}|[A-Za-z0-9_-]{90,130}))(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`VAULT_TOKEN=hvs.${g(BASE62, 24)}`, `vault login hvs.CAESI${g(BASE64URL, 100)}`],
      negative: ['VAULT_TOKEN=hvs.xxxxxxxxxxxxxxxxxxxxxxxx', `hvs.${g(BASE62, 16)}`, "  credentials: new AWS.SharedIniFileCredentials({ profile: '<YOUR_PROFILE>' })"],
    },
  },
  {
    id: 'vault-batch-token',
    description: 'HashiCorp Vault batch token',
    keywords: ['hvb.'],
    pattern: /(?<![\w.-])(?<secret>hvb\.[A-Za-z0-9_-]{138,300})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`VAULT_TOKEN=hvb.AAAAAQ${g(BASE64URL, 160)}`, `"client_token": "hvb.AAAAAQ${g(BASE64URL, 140)}"`],
      negative: [`hvb.${g(BASE64URL, 40)}`, 'hvb.<token>'],
    },
  },
  {
    id: 'vault-legacy-token',
    description: 'HashiCorp Vault token (pre-1.10 format)',
    keywords: ['vault'],
    // `s.` + 24 characters is too common a shape to report without Vault's name next to it.
    pattern: /(?:vault[_.-]?token|x-vault-token)["'`]?[ \t]{0,4}[:=][ \t]{0,4}["'`]?(?<secret>s\.[A-Za-z0-9]{24})(?![\w-])/gi,
    entropy: 3.5,
    examples: {
      positive: [`VAULT_TOKEN=s.${g(BASE62, 24)}`, `curl -H "X-Vault-Token: s.${g(BASE62, 24)}" https://vault.example.com/v1/secret/data/app`],
      negative: ['VAULT_TOKEN=s.xxxxxxxxxxxxxxxxxxxxxxxx', `this.items.forEach(s => s.${g(BASE62, 24)})`],
    },
  },
  {
    id: 'doppler-token',
    description: 'Doppler service, CLI, SCIM, audit or personal token',
    keywords: ['dp.'],
    pattern: /(?<![\w.-])(?<secret>dp\.(?:st|ct|sa|pt|scim|audit)\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`DOPPLER_TOKEN=dp.st.prd.${g(BASE62, 43)}`, `doppler configure set token dp.pt.${g(BASE62, 43)}`],
      negative: ['DOPPLER_TOKEN=dp.st.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', `dp.st.dev.${g(BASE62, 20)}`],
    },
  },
  {
    id: '1password-service-account-token',
    description: '1Password service account token',
    keywords: ['ops_ey'],
    pattern: /(?<![\w-])(?<secret>ops_eyJ[A-Za-z0-9+/]{250,4000}={0,3})(?![\w+/=-])/g,
    entropy: 4,
    validate: (token) => decodesToJson(token.slice(4)),
    examples: {
      positive: [`export OP_SERVICE_ACCOUNT_TOKEN=${onePassword()}`, `  "sourceContent": "${onePassword()}",`],
      negative: [
        '        login:\n          serviceAccountToken:\n            fn::secret: ops_eyJzaWduSW5B..[Redacted]',
        `ops_eyJ${'x'.repeat(300)}`,
        `ops_eyJ${g(BASE64, 300)}`,
      ],
    },
  },
  {
    id: '1password-secret-key',
    description: '1Password account secret key',
    keywords: ['a3-'],
    pattern: /(?<![\w-])(?<secret>A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})(?![\w-])/g,
    entropy: 3.8,
    examples: {
      positive: [
        `Secret Key: A3-${g(UPPER_ALNUM, 6)}-${g(UPPER_ALNUM, 6)}-${g(UPPER_ALNUM, 5)}-${g(UPPER_ALNUM, 5)}-${g(UPPER_ALNUM, 5)}-${g(UPPER_ALNUM, 5)}`,
        `OP_SECRET_KEY=A3-${g(UPPER_ALNUM, 6)}-${g(UPPER_ALNUM, 11)}-${g(UPPER_ALNUM, 5)}-${g(UPPER_ALNUM, 5)}-${g(UPPER_ALNUM, 5)}`,
      ],
      negative: ['A3-XXXXXX-XXXXXXXXXXX-XXXXX-XXXXX-XXXXX', 'A3-xXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX'],
    },
  },
  {
    id: 'datadog-api-key',
    description: 'Datadog API key',
    keywords: ['datadog', 'dd_api_key', 'dd-api-key'],
    pattern: assigned('(?:datadog|dd)[_.-]?api[_.-]?key|dd-api-key', '[a-f0-9]{32}'),
    entropy: 3,
    examples: {
      positive: [`DD_API_KEY=${g(HEX, 32)}`, `curl -H "DD-API-KEY: ${g(HEX, 32)}" https://api.datadoghq.com/api/v1/validate`],
      negative: ['DD_API_KEY=<DATADOG_API_KEY>', 'datadog_api_key = var.datadog_api_key'],
    },
  },
  {
    id: 'datadog-app-key',
    description: 'Datadog application key',
    keywords: ['datadog', 'dd_app', 'dd-application-key'],
    pattern: assigned('(?:datadog|dd)[_.-]?app(?:lication)?[_.-]?key|dd-application-key', '[a-f0-9]{40}'),
    entropy: 3,
    examples: {
      positive: [`DD_APP_KEY=${g(HEX, 40)}`, `datadog_application_key: "${g(HEX, 40)}"`],
      negative: ['DD_APP_KEY=', 'datadog_app_key_id: 1234'],
    },
  },
  {
    id: 'sentry-dsn',
    description: 'Sentry DSN with its key (lets anyone submit events to the project)',
    keywords: ['sentry'],
    pattern: /https?:\/\/(?<secret>[a-f0-9]{32})(?::[a-f0-9]{32})?@[\w.-]{0,80}sentry[\w.-]{0,80}(?::\d{2,5})?\/\d{1,12}(?![\w/-])/g,
    entropy: 3,
    examples: {
      positive: [`SENTRY_DSN=https://${g(HEX, 32)}@o${g('123456789', 6)}.ingest.us.sentry.io/${g('123456789', 7)}`, `Sentry.init({ dsn: "https://${g(HEX, 32)}@sentry.acme.internal/4" });`],
      negative: ['SENTRY_DSN=https://<key>@o0.ingest.sentry.io/0', 'https://examplePublicKey@o0.ingest.sentry.io/0', 'https://docs.sentry.io/platforms/javascript/'],
    },
  },
  {
    id: 'sentry-auth-token',
    description: 'Sentry organization or user auth token',
    keywords: ['sntrys_', 'sntryu_'],
    pattern: /(?<![\w-])(?<secret>sntrys_eyJ[A-Za-z0-9+/]{40,600}={0,2}_[A-Za-z0-9+/]{43}|sntryu_[a-f0-9]{64})(?![\w+/=-])/g,
    entropy: 3.5,
    examples: {
      positive: [`SENTRY_AUTH_TOKEN=${sentryOrgToken()}`, `auth.token = "sntryu_${g(HEX, 64)}"`],
      negative: ['SENTRY_AUTH_TOKEN=sntrys_...', `sntryu_${g(HEX, 40)}`],
    },
  },
  {
    id: 'grafana-service-account-token',
    description: 'Grafana service account token',
    keywords: ['glsa_'],
    pattern: /(?<![\w-])(?<secret>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`GRAFANA_TOKEN=glsa_${g(BASE62, 32)}_${g(HEX, 8)}`, `Authorization: Bearer glsa_${g(BASE62, 32)}_${g(HEX, 8)}`],
      negative: ['glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxx', `glsa_${g(BASE62, 32)}`],
    },
  },
  {
    id: 'grafana-cloud-token',
    description: 'Grafana Cloud access policy token',
    keywords: ['glc_'],
    pattern: /(?<![\w-])(?<secret>glc_[A-Za-z0-9+/]{32,400}={0,2})(?![\w+/=-])/g,
    entropy: 3.5,
    examples: {
      positive: [`GRAFANA_CLOUD_TOKEN=glc_${noPad(toBase64(JSON.stringify({ o: '123456', n: 'ci', k: g(BASE62, 24), m: { r: 'us' } })))}`, `password: glc_${g(BASE64, 120)}`],
      negative: ['   API_KEY="glc_111111111111111111111111111111111111111111="', `glc_${g(BASE62, 20)}`],
    },
  },
  {
    id: 'grafana-api-key',
    description: 'Grafana API key (legacy)',
    keywords: ['eyjrijoi'],
    // base64 of `{"k":"` — the key JSON Grafana issued before service accounts.
    pattern: /(?<![\w+/-])(?<secret>eyJrIjoi[A-Za-z0-9+/]{60,400}={0,2})(?![\w+/=-])/g,
    entropy: 3,
    validate: decodesToJson,
    examples: {
      positive: [`GRAFANA_API_KEY=${grafanaKey()}`, `Authorization: Bearer ${grafanaKey()}`],
      negative: [`eyJrIjoi${g(BASE62, 20)}`, `eyJrIjoi${g(BASE62, 80)}`],
    },
  },
  {
    id: 'new-relic-api-key',
    description: 'New Relic user API key or insert key',
    keywords: ['nrak-', 'nrii-'],
    pattern: /(?<![\w-])(?<secret>NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`NEW_RELIC_API_KEY=NRAK-${g(UPPER_ALNUM, 27)}`, `X-Insert-Key: NRII-${g(BASE64URL, 32)}`],
      negative: ['NEW_RELIC_API_KEY=NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX', `NRJS-${g(HEX, 19)}`],
    },
  },
  {
    id: 'dynatrace-api-token',
    description: 'Dynatrace API token',
    keywords: ['dt0'],
    pattern: /(?<![\w.-])(?<secret>dt0[a-z]\d{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`DT_API_TOKEN=dt0c01.${g(UPPER_ALNUM, 24)}.${g(UPPER_ALNUM, 64)}`, `Authorization: Api-Token dt0s01.${g(UPPER_ALNUM, 24)}.${g(UPPER_ALNUM, 64)}`],
      negative: ['DYNATRACE_API_KEY=', `dt0c01.${g(UPPER_ALNUM, 24)}`],
    },
  },
  {
    id: 'databricks-token',
    description: 'Databricks personal access token',
    keywords: ['dapi'],
    pattern: /(?<![\w-])(?<secret>dapi[a-f0-9]{32}(?:-\d)?)(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`DATABRICKS_TOKEN=dapi${g(HEX, 32)}`, `token = "dapi${g(HEX, 32)}-2"`],
      negative: ['DATABRICKS_TOKEN=dapixxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', `dapi${g(HEX, 20)}`],
    },
  },
  {
    id: 'okta-api-token',
    description: 'Okta API token',
    keywords: ['okta', 'ssws'],
    pattern: /(?:okta[\w.-]{0,24}?["'`]?[ \t]{0,4}[:=][ \t]{0,4}["'`]?|SSWS[ \t]+)(?<secret>00[A-Za-z0-9_-]{40})(?![\w-])/gi,
    entropy: 4,
    examples: {
      positive: [`OKTA_API_TOKEN=00${g(BASE64URL, 40)}`, `curl -H "Authorization: SSWS 00${g(BASE64URL, 40)}" https://acme.okta.com/api/v1/users`],
      negative: ['OKTA_API_TOKEN=${OKTA_TOKEN}', 'Authorization: SSWS {api_token}'],
    },
  },
  {
    id: 'auth0-client-secret',
    description: 'Auth0 application client secret',
    keywords: ['auth0'],
    pattern: assigned('auth0[\\w.-]{0,24}?secret', '[A-Za-z0-9_-]{64}'),
    entropy: 4,
    examples: {
      positive: [`AUTH0_CLIENT_SECRET=${g(BASE64URL, 64)}`, `auth0_secret: "${g(BASE64URL, 64)}"`],
      negative: ['AUTH0_CLIENT_SECRET=', 'auth0_secret: "use a long, random value"'],
    },
  },
  {
    id: 'algolia-admin-key',
    description: 'Algolia admin / write API key',
    keywords: ['algolia'],
    pattern: assigned('algolia[\\w.-]{0,24}?(?:admin|write|api)[_.-]?key', '[a-f0-9]{32}'),
    entropy: 3,
    examples: {
      positive: [`ALGOLIA_ADMIN_KEY=${g(HEX, 32)}`, `algolia_api_key: "${g(HEX, 32)}"`],
      negative: ['ALGOLIA_ADMIN_KEY=', `ALGOLIA_APP_ID=${g(UPPER_ALNUM, 10)}`],
    },
  },
  {
    id: 'fastly-api-token',
    description: 'Fastly API token',
    keywords: ['fastly'],
    pattern: assigned('fastly[\\w.-]{0,24}?(?:token|key)', '[A-Za-z0-9_-]{32}'),
    entropy: 3.5,
    examples: {
      positive: [`FASTLY_API_TOKEN=${g(BASE64URL, 32)}`, `fastly_key: "${g(BASE64URL, 32)}"`],
      negative: ['FASTLY_API_TOKEN=', 'fastly_key: "${FASTLY_KEY}"'],
    },
  },
  {
    id: 'planetscale-token',
    description: 'PlanetScale service token, OAuth token or database password',
    keywords: ['pscale_'],
    pattern: /(?<![\w-])(?<secret>pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64})(?![\w=.-])/g,
    entropy: 3.5,
    examples: {
      positive: [`DATABASE_PASSWORD=pscale_pw_${g(BASE64URL, 43)}`, `PLANETSCALE_SERVICE_TOKEN=pscale_tkn_${g(BASE64URL, 43)}`],
      negative: ['pscale_pw_...', `pscale_tkn_${g(BASE64URL, 20)}`],
    },
  },
  {
    id: 'supabase-token',
    description: 'Supabase personal access token or secret API key',
    keywords: ['sbp_', 'sb_secret_'],
    pattern: /(?<![\w-])(?<secret>sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31,64})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`SUPABASE_ACCESS_TOKEN=sbp_${g(HEX, 40)}`, `SUPABASE_SECRET_KEY=sb_secret_${g(BASE64URL, 40)}`],
      negative: [`SUPABASE_PUBLISHABLE_KEY=sb_publishable_${g(BASE64URL, 40)}`, 'sbp_...'],
    },
  },
];

/** Source hosting: GitHub, GitLab, Bitbucket and Atlassian. */
import type { SecretRule } from '../types.js';
import { BASE62, BASE64URL, HEX, LOWER_ALNUM, checksumValid, checksummedToken, generator } from './support.js';

const g = generator('vcs');
const gh = (prefix: string) => checksummedToken(prefix, g);
/** Same shape as a real token but the last six characters are not the CRC of the rest. */
const badChecksum = (prefix: string) => {
  const token = gh(prefix);
  const last = token.at(-1) === 'a' ? 'b' : 'a';
  return token.slice(0, -1) + last;
};

/**
 * GitHub's 40-character tokens end in a CRC-32 of their random part, so a random-looking string
 * with the right prefix is only reported when the checksum holds.
 */
function githubRule(id: string, prefix: string, description: string, longer = false): SecretRule {
  return {
    id,
    description,
    keywords: [prefix],
    // Installation and refresh tokens can be longer than 40; those carry no checksum we know of.
    pattern: longer
      ? new RegExp(`(?<![\\w-])(?<secret>${prefix}(?:[A-Za-z0-9]{36}|[A-Za-z0-9]{70,255}))(?![\\w-])`, 'g')
      : new RegExp(`(?<![\\w-])(?<secret>${prefix}[A-Za-z0-9]{36})(?![\\w-])`, 'g'),
    entropy: 3,
    validate: (token) => token.length !== prefix.length + 36 || checksumValid(token),
    examples: {
      positive: [`GITHUB_TOKEN=${gh(prefix)}`, `git clone https://x-access-token:${gh(prefix)}@github.com/acme/app.git`, `Authorization: token ${gh(prefix)}`],
      negative: [
        `${prefix}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
        // Right shape, wrong checksum: a hand-made or mangled value.
        `see ${badChecksum(prefix)} in the logs`,
        `${prefix}${g(BASE62, 30)}`,
      ],
    },
  };
}

function gitlabRule(id: string, description: string, prefix: string, body: string, sample: () => string): SecretRule {
  return {
    id,
    description,
    keywords: [prefix.toLowerCase()],
    pattern: new RegExp(`(?<![\\w-])(?<secret>${prefix.replace(/[.]/g, '\\.')}${body})(?![\\w-])`, 'g'),
    entropy: 3,
    examples: {
      positive: [`GITLAB_TOKEN=${prefix}${sample()}`, `  token: "${prefix}${sample()}"`],
      negative: [`${prefix}XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`, `${prefix}${sample().slice(0, 12)}`],
    },
  };
}

export const VCS_RULES: readonly SecretRule[] = [
  githubRule('github-pat', 'ghp_', 'GitHub personal access token (classic)'),
  githubRule('github-oauth-token', 'gho_', 'GitHub OAuth access token'),
  githubRule('github-user-to-server-token', 'ghu_', 'GitHub App user-to-server token'),
  githubRule('github-server-to-server-token', 'ghs_', 'GitHub App installation (server-to-server) token', true),
  githubRule('github-refresh-token', 'ghr_', 'GitHub App refresh token', true),
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    keywords: ['github_pat_'],
    pattern: /(?<![\w-])(?<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`GH_TOKEN=github_pat_11${g(BASE62, 20)}_${g(BASE62, 59)}`, `token = "github_pat_11${g(BASE62, 20)}_${g(BASE62, 59)}"`],
      negative: ['github_pat_11XXXXXXXXXXXXXXXXXXXX_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', `github_pat_${g(BASE62, 22)}`],
    },
  },
  {
    id: 'gitlab-pat',
    description: 'GitLab personal, project or group access token',
    keywords: ['glpat-'],
    pattern: /(?<![\w-])(?<secret>glpat-(?:[A-Za-z0-9_-]{27,300}\.[0-9a-z]{2}\.?[0-9a-z]{7,9}|[A-Za-z0-9_-]{20}))(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [
        `GITLAB_TOKEN=glpat-${g(BASE64URL, 20)}`,
        `git remote add origin https://oauth2:glpat-${g(BASE62, 20)}@gitlab.com/acme/app.git`,
        `token: glpat-${g(BASE64URL, 36)}.01.${g(LOWER_ALNUM, 9)}`,
      ],
      negative: ['glpat-XXXXXXXXXXX-XXXXXXXX', 'glpat-xxxxxxxx-xxxxxxxxxxxxxxxxxx.xxxxxxxxx', `glpat-${g(BASE62, 12)}`],
    },
  },
  gitlabRule('gitlab-deploy-token', 'GitLab deploy token', 'gldt-', '[A-Za-z0-9_-]{20}', () => g(BASE64URL, 20)),
  {
    id: 'gitlab-runner-token',
    description: 'GitLab runner authentication token',
    keywords: ['glrt-'],
    pattern: /(?<![\w-])(?<secret>glrt-(?:t\d_[A-Za-z0-9_-]{27,300}\.[0-9a-z]{2}\.?[0-9a-z]{7,9}|[A-Za-z0-9_-]{20}))(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`gitlab-runner register --token glrt-${g(BASE64URL, 20)}`, `token = "glrt-t1_${g(BASE64URL, 27)}.01.${g(LOWER_ALNUM, 9)}"`],
      negative: ['glrt-tx_xxxxxxxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxx', `glrt-${g(BASE62, 10)}`],
    },
  },
  {
    id: 'gitlab-runner-registration-token',
    description: 'GitLab runner registration token (legacy)',
    keywords: ['gr1348941'],
    pattern: /(?<![\w-])(?<secret>GR1348941[A-Za-z0-9_-]{20})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`REGISTRATION_TOKEN=GR1348941${g(BASE64URL, 20)}`, `--registration-token "GR1348941${g(BASE62, 20)}"`],
      negative: ['GR134894112312312312312312312', 'GR1348941XXXXXXXXXXXXXXXXXXXX'],
    },
  },
  gitlabRule('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token', 'glptt-', '[a-f0-9]{40}', () => g(HEX, 40)),
  gitlabRule('gitlab-oauth-app-secret', 'GitLab OAuth application secret', 'gloas-', '[A-Za-z0-9_-]{64}', () => g(BASE64URL, 64)),
  gitlabRule('gitlab-ci-job-token', 'GitLab CI/CD job token', 'glcbt-', '[0-9A-Za-z]{1,5}_[A-Za-z0-9_-]{20}', () => `${g(BASE62, 2)}_${g(BASE64URL, 20)}`),
  gitlabRule('gitlab-agent-token', 'GitLab agent for Kubernetes token', 'glagent-', '[A-Za-z0-9_-]{50}', () => g(BASE64URL, 50)),
  {
    id: 'gitlab-other-token',
    description: 'GitLab feed, incoming-mail, SCIM or feature-flag client token',
    keywords: ['glft-', 'glimt-', 'glsoat-', 'glffct-'],
    pattern: /(?<![\w-])(?<secret>(?:glft|glsoat|glffct)-[A-Za-z0-9_-]{20}|glimt-[A-Za-z0-9_-]{25})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`https://gitlab.example.com/dashboard/projects.atom?feed_token=glft-${g(BASE64URL, 20)}`, `incoming_email_token: glimt-${g(BASE64URL, 25)}`],
      negative: ['feed_token=glft-XXXXXXXXXXXXXXXXXXXX', `glffct-${g(BASE62, 8)}`],
    },
  },
  {
    id: 'bitbucket-app-password',
    description: 'Bitbucket app password',
    keywords: ['atbb'],
    pattern: /(?<![\w-])(?<secret>ATBB[A-Za-z0-9]{32})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`BITBUCKET_APP_PASSWORD=ATBB${g(BASE62, 32)}`, `git clone https://ci-bot:ATBB${g(BASE62, 32)}@bitbucket.org/acme/app.git`],
      negative: ['ATBBXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', `ATBB${g(BASE62, 20)}`],
    },
  },
  {
    id: 'atlassian-api-token',
    description: 'Atlassian (Jira, Confluence, Bitbucket) API token',
    keywords: ['atatt3'],
    pattern: /(?<![\w-])(?<secret>ATATT3[A-Za-z0-9_=-]{186})(?![\w=-])/g,
    entropy: 4,
    examples: {
      positive: [`JIRA_API_TOKEN=ATATT3xFfGF0${g(BASE64URL, 171)}=${g(HEX, 8).toUpperCase()}`, `"token": "ATATT3${g(BASE64URL, 186)}"`],
      negative: ['getPagesInConfluenceSpace,searchConfluenceUsingCql', `ATATT3${g(BASE64URL, 40)}`],
    },
  },
];

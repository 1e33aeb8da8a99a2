/** Chat and email: Slack, Discord, Telegram, Twilio, SendGrid, Mailgun, Mailchimp, Postmark, Brevo, Teams. */
import type { SecretRule } from '../types.js';
import { BASE62, BASE64URL, DIGITS, HEX, LOWER_ALNUM, UPPER_ALNUM, fakeUuid, generator } from './support.js';

const g = generator('messaging');
const digits = (n: number) => g('123456789', 1) + g(DIGITS, n - 1);
const uuid = () => fakeUuid(g);
const discordToken = (id = digits(18)) => `${Buffer.from(id).toString('base64url')}.${g(BASE64URL, 6)}.${g(BASE64URL, 38)}`;

/** A Discord bot token starts with the bot's user id (a numeric snowflake) in base64. */
function isDiscordToken(token: string): boolean {
  const id = Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('latin1');
  return /^[1-9]\d{16,19}$/.test(id);
}

export const MESSAGING_RULES: readonly SecretRule[] = [
  {
    id: 'slack-bot-token',
    description: 'Slack bot token',
    keywords: ['xoxb-'],
    pattern: /(?<![\w-])(?<secret>xoxb-[0-9]{8,14}-(?:[0-9]{10,13}-[A-Za-z0-9]{24,34}|[A-Za-z0-9]{18,26}))(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`SLACK_BOT_TOKEN=xoxb-${digits(12)}-${digits(13)}-${g(BASE62, 24)}`, `client = WebClient(token="xoxb-${digits(11)}-${digits(12)}-${g(BASE62, 24)}")`],
      negative: ['xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx', `xoxb-${digits(12)}-${digits(13)}`, 'SLACK_BOT_TOKEN=xoxb-your-bot-token'],
    },
  },
  {
    id: 'slack-user-token',
    description: 'Slack user token',
    keywords: ['xoxp-', 'xoxe-'],
    pattern: /(?<![\w-])(?<secret>xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9]{28,34})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`SLACK_USER_TOKEN=xoxp-${digits(12)}-${digits(12)}-${digits(13)}-${g(HEX, 32)}`, `"token": "xoxp-${digits(10)}-${digits(11)}-${digits(12)}-${g(BASE62, 32)}"`],
      negative: ['"token2": "xoxp-XXXXXXXXXX-XXXXXXXXXX-XXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"', `xoxp-${digits(12)}-${g(HEX, 32)}`],
    },
  },
  {
    id: 'slack-app-token',
    description: 'Slack app-level token',
    keywords: ['xapp-'],
    pattern: /(?<![\w-])(?<secret>xapp-\d-[A-Z0-9]{8,14}-\d{10,16}-[a-z0-9]{32,80})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`SLACK_APP_TOKEN=xapp-1-A${g(UPPER_ALNUM, 10)}-${digits(13)}-${g(HEX, 64)}`, `app_token: "xapp-1-A${g(UPPER_ALNUM, 9)}-${digits(13)}-${g(LOWER_ALNUM, 64)}"`],
      negative: ['SLACK_APP_TOKEN=xapp-1-...', `xapp-1-A${g(UPPER_ALNUM, 10)}-${digits(13)}`],
    },
  },
  {
    id: 'slack-config-token',
    description: 'Slack configuration access or refresh token',
    keywords: ['xoxe.xox', 'xoxe-'],
    pattern: /(?<![\w.-])(?<secret>xoxe\.xox[bp]-\d-[A-Z0-9]{163,166}|xoxe-\d-[A-Z0-9]{146})(?![\w-])/gi,
    entropy: 3,
    examples: {
      positive: [`SLACK_CONFIG_TOKEN=xoxe.xoxp-1-${g(UPPER_ALNUM, 164)}`, `refresh_token: xoxe-1-${g(UPPER_ALNUM, 146)}`],
      negative: [`xoxe.xoxp-1-${g(UPPER_ALNUM, 40)}`, 'xoxe-1-...'],
    },
  },
  {
    id: 'slack-legacy-token',
    description: 'Slack legacy workspace, user or bot token',
    keywords: ['xox'],
    pattern: /(?<![\w-])(?<secret>xox[os]-\d{1,20}-\d{1,20}-\d{1,20}-[a-fA-F0-9]{8,64}|xox[ar]-(?:\d-)?[0-9a-zA-Z]{20,48})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`token = "xoxs-${digits(10)}-${digits(11)}-${digits(12)}-${g(HEX, 64)}"`, `SLACK_TOKEN=xoxa-2-${g(BASE62, 40)}`],
      negative: ['https://github.com/xoxa-nyc/xoxa-nyc.github.io/blob/master/README.md', 'xoxa-2-...'],
    },
  },
  {
    id: 'slack-webhook-url',
    description: 'Slack incoming webhook or workflow trigger URL',
    keywords: ['hooks.slack.com'],
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?<secret>[A-Za-z0-9_-]{8,12}\/[A-Za-z0-9_-]{8,12}\/[A-Za-z0-9_-]{20,40}|[A-Za-z0-9+/_-]{43,120})(?![\w/-])/g,
    entropy: 3.5,
    examples: {
      positive: [`SLACK_WEBHOOK=https://hooks.slack.com/services/T${g(UPPER_ALNUM, 8)}/B${g(UPPER_ALNUM, 10)}/${g(BASE62, 24)}`, `curl -X POST https://hooks.slack.com/workflows/T${g(UPPER_ALNUM, 8)}/A${g(UPPER_ALNUM, 10)}/${digits(18)}/${g(BASE62, 24)}`],
      negative: ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'See https://hooks.slack.com/services/ for setup.'],
    },
  },
  {
    id: 'discord-bot-token',
    description: 'Discord bot token',
    // The token has no fixed prefix; it is set next to these words in practice, and an unanchored
    // pattern would try every capital M, N and O of every file.
    keywords: ['discord', 'token', '.login('],
    pattern: /(?<![\w.-])(?<secret>[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?![\w.-])/g,
    entropy: 4,
    validate: isDiscordToken,
    examples: {
      positive: [`DISCORD_TOKEN=${discordToken()}`, `client.login("${discordToken(digits(19))}");`],
      negative: [
        // A dotted identifier of the same shape whose first part is not a base64 user id.
        `Mozilla${g(LOWER_ALNUM, 18)}.abcdef.${g(LOWER_ALNUM, 30)}`,
        'discord=000000000000000000',
        `bot.run("${discordToken().slice(0, 30)}")`,
      ],
    },
  },
  {
    id: 'discord-webhook-url',
    description: 'Discord webhook URL',
    keywords: ['discord.com/api/webhooks', 'discordapp.com/api/webhooks'],
    pattern: /discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/(?<secret>[A-Za-z0-9_-]{60,68})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`DISCORD_WEBHOOK=https://discord.com/api/webhooks/${digits(19)}/${g(BASE64URL, 68)}`, `requests.post("https://discordapp.com/api/webhooks/${digits(18)}/${g(BASE64URL, 68)}", json=msg)`],
      negative: ['https://discord.com/api/webhooks/{webhook.id}/{webhook.token}', 'https://discord.com/api/webhooks/123456789012345678/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'],
    },
  },
  {
    id: 'telegram-bot-token',
    description: 'Telegram bot token',
    keywords: [':aa'],
    pattern: /(?:(?<=\/bot)|(?<![\w:]))(?<secret>\d{8,10}:AA[A-Za-z0-9_-]{33})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`TELEGRAM_BOT_TOKEN=${digits(10)}:AA${g(BASE64URL, 33)}`, `https://api.telegram.org/bot${digits(9)}:AA${g(BASE64URL, 33)}/getMe`],
      negative: ['TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', `time 12:34:56 ${digits(9)}:AB${g(BASE64URL, 33)}`],
    },
  },
  {
    id: 'twilio-api-key',
    description: 'Twilio API key SID',
    keywords: ['sk'],
    pattern: /(?<![\w-])(?<secret>SK[0-9a-f]{32})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`TWILIO_API_KEY=SK${g(HEX, 32)}`, `client = Client("SK${g(HEX, 32)}", api_secret, account_sid)`],
      negative: ['TWILIO_API_KEY=SKXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', `TASK${g(HEX, 32)}`, `SK${g(HEX, 20)}`],
    },
  },
  {
    id: 'twilio-auth-token',
    description: 'Twilio auth token (next to its name or account SID)',
    keywords: ['twilio'],
    pattern:
      /(?:twilio[\w.-]{0,24}?(?:auth[_.-]?token|secret)["'`]?[ \t]{0,4}(?:=>|:=|[:=])(?!=)[ \t]{0,4}["'`]?|\bAC[a-f0-9]{32}["'`]?[ \t]{0,4}[,:][ \t]{0,4}["'`]?)(?<secret>[a-f0-9]{32})(?![\w-])/gi,
    entropy: 3,
    examples: {
      positive: [`TWILIO_AUTH_TOKEN=${g(HEX, 32)}`, `from twilio.rest import Client\nclient = Client("AC${g(HEX, 32)}", "${g(HEX, 32)}")`],
      negative: [`TWILIO_ACCOUNT_SID=AC${g(HEX, 32)}`, 'TWILIO_AUTH_TOKEN=your_auth_token', 'twilio_auth_token = os.environ["TWILIO_AUTH_TOKEN"]'],
    },
  },
  {
    id: 'sendgrid-api-key',
    description: 'SendGrid API key',
    keywords: ['sg.'],
    pattern: /(?<![\w.-])(?<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![\w.-])/g,
    entropy: 3.5,
    examples: {
      positive: [`SENDGRID_API_KEY=SG.${g(BASE64URL, 22)}.${g(BASE64URL, 43)}`, `sg = SendGridAPIClient("SG.${g(BASE64URL, 22)}.${g(BASE64URL, 43)}")`],
      negative: ['SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', `SG.${g(BASE64URL, 22)}`],
    },
  },
  {
    id: 'mailgun-api-key',
    description: 'Mailgun private API key or webhook signing key',
    keywords: ['key-', 'mailgun'],
    // Both ways in open with a keyword: the lookahead for key- or the name mailgun.
    anchor: { before: 0 },
    pattern: /(?:(?<![\w-])(?=key-)|mailgun[\w.-]{0,24}?["'`]?[ \t]{0,4}(?:=>|[:=])[ \t]{0,4}["'`]?)(?<secret>key-[a-f0-9]{32}|[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8})(?![\w-])/gi,
    entropy: 3,
    examples: {
      positive: [`auth=("api", "key-${g(HEX, 32)}")`, `MAILGUN_API_KEY=${g(HEX, 32)}-${g(HEX, 8)}-${g(HEX, 8)}`],
      negative: ['auth=("api", "key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")', `public-key-${g(HEX, 32)}`, `MAILGUN_DOMAIN=mg.example.com`],
    },
  },
  {
    id: 'mailchimp-api-key',
    description: 'Mailchimp API key',
    keywords: ['-us'],
    // The keyword follows exactly 32 hex digits, and a digit follows it.
    anchor: { before: 32, after: /\d/ },
    pattern: /(?<![\w-])(?<secret>[a-f0-9]{32}-us\d{1,2})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`MAILCHIMP_API_KEY=${g(HEX, 32)}-us14`, `client.set_config({"api_key": "${g(HEX, 32)}-us6", "server": "us6"})`],
      negative: ['MAILCHIMP_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-us14', `${g(HEX, 32)}-usa`],
    },
  },
  {
    id: 'postmark-server-token',
    description: 'Postmark server or account API token',
    keywords: ['postmark'],
    pattern: /(?:X-Postmark-(?:Server|Account)-Token|postmark[\w.-]{0,24}?(?:token|key))["'`]?[ \t]{0,4}[:=][ \t]{0,4}["'`]?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![\w-])/gi,
    entropy: 3,
    examples: {
      positive: [`POSTMARK_SERVER_TOKEN=${uuid()}`, `curl -H "X-Postmark-Server-Token: ${uuid()}" https://api.postmarkapp.com/email`],
      negative: ['X-Postmark-Server-Token: POSTMARK_API_TEST', `postmark_message_id: ${uuid()}`],
    },
  },
  {
    id: 'brevo-api-key',
    description: 'Brevo (Sendinblue) API or SMTP key',
    keywords: ['xkeysib-', 'xsmtpsib-'],
    pattern: /(?<![\w-])(?<secret>x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`BREVO_API_KEY=xkeysib-${g(HEX, 64)}-${g(BASE62, 16)}`, `smtp_password: "xsmtpsib-${g(HEX, 64)}-${g(BASE62, 16)}"`],
      negative: [`xkeysib-${g(HEX, 64)}`, 'BREVO_API_KEY=xkeysib-...'],
    },
  },
  {
    id: 'microsoft-teams-webhook',
    description: 'Microsoft Teams incoming webhook URL',
    keywords: ['webhook.office.com'],
    pattern:
      /https:\/\/[a-z0-9-]{1,60}\.webhook\.office\.com\/webhookb2\/(?<secret>[a-f0-9-]{36}@[a-f0-9-]{36}\/IncomingWebhook\/[a-f0-9]{32}\/[a-f0-9-]{36}(?:\/[A-Za-z0-9_-]{20,80})?)(?![\w/-])/g,
    entropy: 3,
    examples: {
      positive: [
        `TEAMS_WEBHOOK=https://acme.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${g(HEX, 32)}/${uuid()}`,
        `url: "https://contoso.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${g(HEX, 32)}/${uuid()}/V2${g(BASE64URL, 40)}"`,
      ],
      negative: ['https://acme.webhook.office.com/webhookb2/<group-id>@<tenant-id>/IncomingWebhook/<id>/<owner>', 'Create an incoming webhook at webhook.office.com'],
    },
  },
];

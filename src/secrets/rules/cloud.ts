/** Cloud providers: AWS, Google Cloud, Azure, DigitalOcean, Heroku, Alibaba, Tencent, IBM, Cloudflare, Fly.io. */
import type { SecretRule } from '../types.js';
import {
  AZURITE_KEY, BASE32, BASE62, BASE64, BASE64URL, HEX, LOWER_ALNUM, assigned, generator,
} from './support.js';

const g = generator('cloud');
const awsId = (prefix: string) => prefix + g(BASE32, 16);
const awsSecret = () => g(BASE64, 40);
const pemBody = () => Array.from({ length: 8 }, () => g(BASE64, 64)).join('\\n');
const saKey = `-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC${pemBody()}\\n-----END PRIVATE KEY-----\\n`;
const sasSig = () => encodeURIComponent(`${g(BASE64, 43)}=`);

export const CLOUD_RULES: readonly SecretRule[] = [
  {
    id: 'aws-access-key-id',
    description: 'AWS access key ID',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    pattern: /(?<![A-Za-z0-9+/])(?<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9+/])/g,
    entropy: 3,
    // AWS's own documentation key ends in EXAMPLE, and so do most copies of it.
    allow: [/EXAMPLE$/],
    examples: {
      positive: [`aws_access_key_id = ${awsId('AKIA')}`, `{"AccessKeyId": "${awsId('ASIA')}", "Expiration": "2030-01-01"}`],
      negative: [
        'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
        'key = AKIAXXXXXXXXXXXXXXXX',
        // 0, 1, 8 and 9 are outside the base32 alphabet key ids use.
        'id: AKIA1234567890ABCDEF',
        `short: ${awsId('AKIA').slice(0, 19)}`,
        'Travel notes: ASIA PACIFIC region, ACCA exams',
      ],
    },
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key',
    keywords: ['secret'],
    // Matches open with "secret" or with "aws" and a separator before it.
    anchor: { before: 4 },
    pattern: assigned('aws[_.-]?secret(?:[_.-]?access)?(?:[_.-]?key)?|secret[_.-]?access[_.-]?key', '[A-Za-z0-9/+]{40}'),
    entropy: 4,
    allow: [/EXAMPLE/],
    examples: {
      positive: [`aws_secret_access_key = ${awsSecret()}`, `"SecretAccessKey": "${awsSecret()}",`, `AWS_SECRET_ACCESS_KEY="${awsSecret()}"`],
      negative: [
        'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'AWS_SECRET_ACCESS_KEY=${{ secrets.AWS_SECRET_ACCESS_KEY }}',
        '# rotate the aws_secret_access_key every 90 days',
        'secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,',
      ],
    },
  },
  {
    id: 'aws-session-token',
    description: 'AWS temporary session token',
    keywords: ['session'],
    // Matches open with "session" or with "aws" and a separator before it.
    anchor: { before: 4 },
    pattern: assigned('aws[_.-]?session[_.-]?token|sessiontoken', '[A-Za-z0-9/+]{100,2000}={0,2}'),
    entropy: 4.5,
    examples: {
      positive: [`aws_session_token = IQoJb3JpZ2luX2VjE${g(BASE64, 300)}`, `"SessionToken": "FwoGZXIvYXdzE${g(BASE64, 200)}=="`],
      negative: ['aws_session_token = None', 'SessionToken: !GetAtt Role.Credentials.SessionToken', 'AWS_SESSION_TOKEN=$(aws configure get aws_session_token)'],
    },
  },
  {
    id: 'gcp-api-key',
    description: 'Google API key (Cloud, Firebase, Maps, Gemini / AI Studio)',
    keywords: ['aiza'],
    pattern: /(?<![\w-])(?<secret>AIza[0-9A-Za-z_-]{35})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`const firebaseConfig = { apiKey: "AIzaSy${g(BASE64URL, 33)}" };`, `GEMINI_API_KEY=AIza${g(BASE64URL, 35)}`],
      negative: [
        'apiKey: "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
        `key=AIzaSy${g(BASE64URL, 30)}`,
        'GOOGLE_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      ],
    },
  },
  {
    id: 'gcp-service-account-key',
    description: 'Google Cloud service-account key file (private_key)',
    keywords: ['"private_key"'],
    pattern:
      /"private_key"[ \t]*:(?<="service_account"[\s\S]{0,800})[ \t]*"(?<secret>-----BEGIN (?:RSA )?PRIVATE KEY-----(?:[A-Za-z0-9+/=]|\\n){200,8000}?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)"/g,
    examples: {
      positive: [
        `{\n  "type": "service_account",\n  "project_id": "demo-project",\n  "private_key_id": "${g(HEX, 40)}",\n  "private_key": "${saKey}",\n  "client_email": "ci@demo-project.iam.gserviceaccount.com"\n}`,
        `GOOGLE_CREDENTIALS='{"type":"service_account","project_id":"p","private_key_id":"${g(HEX, 40)}","private_key":"${saKey}"}'`,
      ],
      negative: [
        '{\n  "type": "service_account",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n"\n}',
        '{ "type": "service_account", "private_key": "" }',
        `{ "type": "authorized_user", "client_id": "${g(HEX, 12)}.apps.googleusercontent.com" }`,
      ],
    },
  },
  {
    id: 'google-oauth-client-secret',
    description: 'Google OAuth client secret',
    keywords: ['gocspx-'],
    pattern: /(?<![\w-])(?<secret>GOCSPX-[A-Za-z0-9_-]{28})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`"client_secret": "GOCSPX-${g(BASE64URL, 28)}"`, `GOOGLE_CLIENT_SECRET=GOCSPX-${g(BASE64URL, 28)}`],
      negative: ['"client_secret": "GOCSPX-<your secret>"', `GOCSPX-${g(BASE64URL, 20)}`],
    },
  },
  {
    id: 'google-oauth-access-token',
    description: 'Google OAuth access token',
    keywords: ['ya29.'],
    // Service-account tokens (`ya29.c.…`) have dots inside, never at the end.
    pattern: /(?<![\w.-])(?<secret>ya29\.[A-Za-z0-9_-][A-Za-z0-9_.-]{58,2046}[A-Za-z0-9_-])(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`Authorization: Bearer ya29.a0A${g(BASE64URL, 150)}`, `creds.token = "ya29.c.${g(BASE64URL, 120)}"`],
      negative: ['token = "ya29.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"', 'ya29.ABC', 'export TOKEN=ya29.$(gcloud auth print-access-token)'],
    },
  },
  {
    id: 'azure-storage-account-key',
    description: 'Azure storage account key',
    keywords: ['accountkey', 'storage'],
    pattern: /(?:AccountKey|(?:azure|storage)[\w.-]{0,20}?key)["']?[ \t]{0,4}[=:][ \t]{0,4}["']?(?<secret>[A-Za-z0-9+/]{86}==)(?![\w+/=])/gi,
    entropy: 4.5,
    allow: [new RegExp(`^${AZURITE_KEY.replace(/[+/]/g, '\\$&')}$`)],
    examples: {
      positive: [
        `DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=${g(BASE64, 86)}==;EndpointSuffix=core.windows.net`,
        `AZURE_STORAGE_KEY="${g(BASE64, 86)}=="`,
      ],
      negative: [
        `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`,
        'DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=<storage-key>;EndpointSuffix=core.windows.net',
        'UseDevelopmentStorage=true',
      ],
    },
  },
  {
    id: 'azure-sas-token',
    description: 'Azure shared access signature (SAS) in a URL or connection string',
    keywords: ['sig='],
    pattern: /[?&;]sig=(?<=[?&;](?:sv|se)=[^\s"'<>]{1,400})(?<secret>(?:[A-Za-z0-9+/]|%2[BFbf]){40,64}(?:%3[Dd]|=){0,2})(?=[&;"'\s<>]|$)/g,
    entropy: 4,
    examples: {
      positive: [
        `https://prodlogs.blob.core.windows.net/exports/report.csv?sp=r&st=2024-05-01T00:00:00Z&se=2024-06-01T00:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=${sasSig()}`,
        `BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig=${sasSig()}`,
      ],
      negative: [
        'https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sr=b&sig=<signature>',
        `https://api.example.com/callback?sig=${g(HEX, 64)}`,
        'Append &sig=... to the URL (see docs).',
      ],
    },
  },
  {
    id: 'azure-ad-client-secret',
    description: 'Microsoft Entra ID (Azure AD) application client secret',
    keywords: ['q~'],
    pattern: /(?<![\w~.-])(?<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![\w~.-])/g,
    entropy: 3,
    examples: {
      positive: [`client_secret=${g(LOWER_ALNUM, 3)}8Q~${g(BASE62, 34)}`, `"AZURE_CLIENT_SECRET": "${g(BASE62, 3)}7Q~${g(BASE64URL, 31)}"`],
      negative: [
        'client_secret=bP88Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        '.ui.visible.right.sidebar~.ui.visible.left.sidebar~.pusher{transform:translate3d(0,0,0)}',
        `https://p3.example.com/tos-cn-i-k3u1fbpfcp/${g(HEX, 32)}~tplv-k3u1fbpfcp-watermark.image`,
      ],
    },
  },
  {
    id: 'azure-shared-access-key',
    description: 'Azure Service Bus / Event Hubs / IoT Hub shared access key',
    keywords: ['sharedaccesskey='],
    pattern: /SharedAccessKey=(?<secret>[A-Za-z0-9+/]{43}=)(?![\w+/=])/g,
    entropy: 4,
    examples: {
      positive: [
        `Endpoint=sb://orders.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${g(BASE64, 43)}=`,
        `HostName=hub.azure-devices.net;DeviceId=dev1;SharedAccessKey=${g(BASE64, 43)}=`,
      ],
      negative: ['Endpoint=sb://orders.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=<key>', 'SharedAccessKey=${SB_KEY}'],
    },
  },
  {
    id: 'digitalocean-token',
    description: 'DigitalOcean personal access, OAuth or refresh token',
    keywords: ['_v1_'],
    pattern: /(?<![\w-])(?<secret>do[opr]_v1_[a-f0-9]{64})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`DIGITALOCEAN_TOKEN=dop_v1_${g(HEX, 64)}`, `refresh: "dor_v1_${g(HEX, 64)}"`],
      negative: [`dop_v1_${g(HEX, 60)}`, 'DIGITALOCEAN_TOKEN=dop_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    },
  },
  {
    id: 'heroku-api-key',
    description: 'Heroku platform API key',
    keywords: ['hrku-aa'],
    pattern: /(?<![\w-])(?<secret>HRKU-AA[0-9a-zA-Z_-]{58})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`HEROKU_API_KEY=HRKU-AA${g(BASE64URL, 58)}`, `heroku: { token: 'HRKU-AA${g(BASE64URL, 58)}' }`],
      negative: [`HRKU-AA${g(BASE64URL, 40)}`, `HEROKU_API_KEY=${g(HEX, 8)}-${g(HEX, 4)}-4${g(HEX, 3)}-a${g(HEX, 3)}-${g(HEX, 12)}`],
    },
  },
  {
    id: 'alibaba-access-key-id',
    description: 'Alibaba Cloud AccessKey ID',
    keywords: ['ltai'],
    // Older ids are 16 characters, current ones 24.
    pattern: /(?<![\w-])(?<secret>LTAI[A-Za-z0-9]{12,20})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI${g(BASE62, 20)}`, `accessKeyId: 'LTAI5t${g(BASE62, 18)}'`],
      negative: [`LTAI${g(BASE62, 8)}`, 'accessKeyId: "LTAIXXXXXXXXXXXXXXXXXXXX"', `LTAI${g(BASE62, 24)}`],
    },
  },
  {
    id: 'alibaba-access-key-secret',
    description: 'Alibaba Cloud AccessKey secret',
    keywords: ['alibaba', 'aliyun', 'alicloud'],
    pattern: assigned('(?:alibaba|aliyun|alicloud)[\\w.-]{0,24}?secret', '[A-Za-z0-9]{30}'),
    entropy: 3.5,
    examples: {
      positive: [`ALIBABA_CLOUD_ACCESS_KEY_SECRET=${g(BASE62, 30)}`, `aliyun_access_key_secret: "${g(BASE62, 30)}"`],
      negative: ['ALIBABA_CLOUD_ACCESS_KEY_SECRET=', `aliyun_secret_name: "${g(LOWER_ALNUM, 12)}"`],
    },
  },
  {
    id: 'tencent-cloud-secret-id',
    description: 'Tencent Cloud SecretId',
    keywords: ['akid'],
    pattern: /(?<![\w-])(?<secret>AKID[A-Za-z0-9]{32})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`TENCENTCLOUD_SECRET_ID=AKID${g(BASE62, 32)}`, `secretId: "AKID${g(BASE62, 32)}"`],
      negative: [`AKID${g(BASE62, 20)}`, 'AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    },
  },
  {
    id: 'ibm-cloud-api-key',
    description: 'IBM Cloud API key',
    keywords: ['ibm'],
    pattern: assigned('ibm[\\w.-]{0,24}?(?:api[_.-]?key|apikey)', '[A-Za-z0-9_-]{44}'),
    entropy: 4,
    examples: {
      positive: [`IBMCLOUD_API_KEY=${g(BASE64URL, 44)}`, `ibm_api_key: "${g(BASE64URL, 44)}"`],
      negative: ['IBMCLOUD_API_KEY=', `ibm_api_key_id: "ApiKey-${g(HEX, 8)}-${g(HEX, 4)}-${g(HEX, 4)}-${g(HEX, 4)}-${g(HEX, 12)}"`],
    },
  },
  {
    id: 'firebase-cloud-messaging-key',
    description: 'Firebase Cloud Messaging legacy server key',
    keywords: [':apa91b'],
    pattern: /(?<![\w-])(?<secret>AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`Authorization: key=AAAA${g(BASE64URL, 7)}:APA91b${g(BASE64URL, 134)}`, `FCM_SERVER_KEY="AAAA${g(BASE64URL, 7)}:APA91b${g(BASE64URL, 134)}"`],
      negative: [`AAAA${g(BASE64URL, 7)}:APA91b${g(BASE64URL, 40)}`, 'FCM_SERVER_KEY="AAAA...:APA91b..."'],
    },
  },
  {
    id: 'cloudflare-api-token',
    description: 'Cloudflare API token',
    keywords: ['cloudflare', 'cf_api_token', 'cf-api-token'],
    pattern: assigned('cloudflare[\\w.-]{0,24}?token|cf[_-]api[_-]token', '[A-Za-z0-9_-]{40}'),
    entropy: 4,
    examples: {
      positive: [`CLOUDFLARE_API_TOKEN=${g(BASE64URL, 40)}`, `cloudflare_token: "${g(BASE64URL, 40)}"`],
      negative: ['CLOUDFLARE_API_TOKEN=${{ secrets.CF_TOKEN }}', 'cloudflare_token: "${CF_TOKEN}"', 'cloudflare_token = var.cloudflare_token'],
    },
  },
  {
    id: 'cloudflare-global-api-key',
    description: 'Cloudflare global API key',
    keywords: ['cloudflare', 'cf_api_key', 'x-auth-key'],
    pattern: assigned('cloudflare[\\w.-]{0,24}?key|cf[_-]api[_-]key|x-auth-key', '[a-f0-9]{37}'),
    entropy: 3,
    examples: {
      positive: [`CLOUDFLARE_API_KEY=${g(HEX, 37)}`, `curl -H "X-Auth-Key: ${g(HEX, 37)}" https://api.cloudflare.com/client/v4/zones`],
      negative: ['X-Auth-Key: $CF_KEY', 'cloudflare_api_key = var.cloudflare_api_key', 'Send the X-Auth-Key header (37 hex characters).'],
    },
  },
  {
    id: 'cloudflare-origin-ca-key',
    description: 'Cloudflare Origin CA key',
    keywords: ['v1.0-'],
    pattern: /(?<![\w.-])(?<secret>v1\.0-[a-f0-9]{24}-[a-f0-9]{146})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`CF_ORIGIN_CA_KEY=v1.0-${g(HEX, 24)}-${g(HEX, 146)}`, `origin_ca_key = "v1.0-${g(HEX, 24)}-${g(HEX, 146)}"`],
      negative: [`v1.0-${g(HEX, 24)}-${g(HEX, 40)}`, 'version: v1.0-rc1'],
    },
  },
  {
    id: 'flyio-token',
    description: 'Fly.io access token',
    keywords: ['fo1_', 'fm1', 'fm2_'],
    pattern: /(?<![\w-])(?<secret>fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,4096}={0,3})(?![\w+/=-])/g,
    entropy: 4,
    examples: {
      positive: [`FLY_API_TOKEN=fo1_${g(BASE64URL, 43)}`, `FLY_API_TOKEN="FlyV1 fm2_${g(BASE64, 300)}=="`],
      negative: [
        'api_key = "fo1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
        `<input type="hidden" name="authenticity_token" value="7SWa-Fo1_${g(BASE64URL, 80)}" autocomplete="off" />`,
      ],
    },
  },
];

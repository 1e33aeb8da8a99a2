/**
 * AI model providers: OpenAI, Anthropic, Hugging Face, Cohere, Replicate, Groq, Perplexity,
 * Mistral, xAI, OpenRouter, LangSmith, Langfuse, Pinecone, ElevenLabs, Weights & Biases,
 * DeepSeek, Azure OpenAI. Google AI Studio (Gemini) keys are `AIza…` keys: see gcp-api-key.
 */
import type { SecretRule } from '../types.js';
import { BASE62, BASE64URL, HEX, LETTERS, assigned, fakeUuid, generator, prefixed } from './support.js';

const g = generator('ai');
const uuid = () => fakeUuid(g);
/** "T3BlbkFJ" is base64 of "OpenAI", embedded in the middle of OpenAI's keys. */
const openaiProject = (kind: string) => `sk-${kind}-${g(BASE64URL, 74)}T3BlbkFJ${g(BASE64URL, 74)}`;
const anthropic = (kind: string) => `sk-ant-${kind}-${g(BASE64URL, 93)}AA`;

export const AI_RULES: readonly SecretRule[] = [
  {
    id: 'openai-api-key',
    description: 'OpenAI project, service-account or admin API key',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'],
    pattern: /(?<![\w-])(?<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,300})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`OPENAI_API_KEY=${openaiProject('proj')}`, `client = OpenAI(api_key="${openaiProject('svcacct')}")`, `OPENAI_API_KEY="sk-proj-${g(BASE62, 48)}"`],
      negative: ['OPENAI_API_KEY=sk-proj-...', 'OPENAI_API_KEY="sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"', `sk-proj-${g(BASE62, 20)}`],
    },
  },
  {
    id: 'openai-legacy-api-key',
    description: 'OpenAI user API key (legacy format)',
    keywords: ['t3blbkfj'],
    pattern: /(?<![\w-])(?<secret>sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`openai.api_key = "sk-${g(BASE62, 20)}T3BlbkFJ${g(BASE62, 20)}"`, `OPENAI_API_KEY=sk-${g(BASE62, 20)}T3BlbkFJ${g(BASE62, 20)}`],
      negative: ['OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx', `sk-${g(BASE62, 20)}T3BlbkFJ`],
    },
  },
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API key',
    keywords: ['sk-ant-api03'],
    pattern: /(?<![\w-])(?<secret>sk-ant-api03-[A-Za-z0-9_-]{93}AA)(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`ANTHROPIC_API_KEY=${anthropic('api03')}`, `client = anthropic.Anthropic(api_key="${anthropic('api03')}")`],
      negative: [
        'ANTHROPIC_API_KEY=sk-ant-api03-...',
        `short: sk-ant-api03-${g(BASE64URL, 60)}AA`,
        // Right length, but real keys always end in AA.
        `sk-ant-api03-${g(BASE64URL, 93)}BB`,
      ],
    },
  },
  {
    id: 'anthropic-admin-key',
    description: 'Anthropic Admin API key',
    keywords: ['sk-ant-admin01'],
    pattern: /(?<![\w-])(?<secret>sk-ant-admin01-[A-Za-z0-9_-]{93}AA)(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`ANTHROPIC_ADMIN_KEY=${anthropic('admin01')}`, `x-api-key: ${anthropic('admin01')}`],
      negative: ['sk-ant-admin01-<key>', `sk-ant-admin01-${g(BASE64URL, 30)}AA`],
    },
  },
  {
    id: 'anthropic-oauth-token',
    description: 'Anthropic OAuth access or refresh token',
    keywords: ['sk-ant-oat01', 'sk-ant-ort01'],
    pattern: /(?<![\w-])(?<secret>sk-ant-o[ar]t01-[A-Za-z0-9_-]{40,300})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-${g(BASE64URL, 100)}`, `"refreshToken": "sk-ant-ort01-${g(BASE64URL, 100)}"`],
      negative: ['anthropic_token = "sk-ant-oat01-tooShort"', 'sk-ant-ort01-...'],
    },
  },
  prefixed('huggingface-token', 'Hugging Face access token', 'hf_', '[A-Za-z0-9]{34}', () => g(LETTERS, 34), ['HF_TOKEN=', 'token = '], [
    '        os.environ.get("HF_AUTH_TOKEN",\n\t\t"hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),',
  ]),
  prefixed('huggingface-org-token', 'Hugging Face organization API token (legacy)', 'api_org_', '[A-Za-z]{34}', () => g(LETTERS, 34), ['HF_ORG_TOKEN=', 'use_auth_token='], [
    '<p>old tokens are <code>api_XXXXXXXX</code> or <code>api_org_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX</code></p>',
  ]),
  {
    id: 'cohere-api-key',
    description: 'Cohere API key',
    keywords: ['cohere', 'co_api_key'],
    pattern: assigned('cohere|co_api_key', '[A-Za-z0-9]{40}'),
    entropy: 4,
    examples: {
      positive: [`COHERE_API_KEY=${g(BASE62, 40)}`, `cohere_api_key: "${g(BASE62, 40)}"`],
      negative: ['COHERE_API_KEY=', 'cohere_model = "command-r-plus-08-2024"'],
    },
  },
  prefixed('replicate-api-token', 'Replicate API token', 'r8_', '[A-Za-z0-9]{37}', () => g(BASE62, 37), ['REPLICATE_API_TOKEN=', 'api_token = ']),
  prefixed('groq-api-key', 'Groq API key', 'gsk_', '[A-Za-z0-9]{52}', () => g(BASE62, 52), ['GROQ_API_KEY=', 'client = Groq(api_key=']),
  prefixed('perplexity-api-key', 'Perplexity API key', 'pplx-', '[A-Za-z0-9]{48}', () => g(BASE62, 48), ['PERPLEXITY_API_KEY=', 'api_key = ']),
  {
    id: 'mistral-api-key',
    description: 'Mistral AI API key',
    keywords: ['mistral'],
    pattern: assigned('mistral', '[A-Za-z0-9]{32}'),
    entropy: 3.5,
    examples: {
      positive: [`MISTRAL_API_KEY=${g(BASE62, 32)}`, `mistral_api_key: "${g(BASE62, 32)}"`],
      negative: ['MISTRAL_API_KEY=${MISTRAL_API_KEY}', 'mistral_model: "mistral-large-latest"'],
    },
  },
  prefixed('xai-api-key', 'xAI (Grok) API key', 'xai-', '[A-Za-z0-9]{80}', () => g(BASE62, 80), ['XAI_API_KEY=', 'api_key = ']),
  prefixed('openrouter-api-key', 'OpenRouter API key', 'sk-or-v1-', '[a-f0-9]{64}', () => g(HEX, 64), ['OPENROUTER_API_KEY=', 'api_key = ']),
  {
    id: 'langsmith-api-key',
    description: 'LangSmith personal access token or service key',
    keywords: ['lsv2_'],
    pattern: /(?<![\w-])(?<secret>lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`LANGSMITH_API_KEY=lsv2_pt_${g(HEX, 32)}_${g(HEX, 10)}`, `api_key = "lsv2_sk_${g(HEX, 32)}_${g(HEX, 10)}"`],
      negative: ['LANGSMITH_API_KEY=lsv2_pt_...', `lsv2_pt_${g(HEX, 32)}`],
    },
  },
  {
    id: 'langfuse-secret-key',
    description: 'Langfuse secret key',
    keywords: ['sk-lf-'],
    pattern: /(?<![\w-])(?<secret>sk-lf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`LANGFUSE_SECRET_KEY=sk-lf-${uuid()}`, `Langfuse(secret_key="sk-lf-${uuid()}")`],
      negative: [`LANGFUSE_PUBLIC_KEY=pk-lf-${uuid()}`, 'LANGFUSE_SECRET_KEY=sk-lf-...'],
    },
  },
  {
    id: 'pinecone-api-key',
    description: 'Pinecone API key',
    keywords: ['pcsk_'],
    pattern: /(?<![\w-])(?<secret>pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,80})(?![\w-])/g,
    entropy: 4,
    examples: {
      positive: [`PINECONE_API_KEY=pcsk_${g(BASE62, 6)}_${g(BASE62, 63)}`, `pc = Pinecone(api_key="pcsk_${g(BASE62, 5)}_${g(BASE62, 63)}")`],
      negative: ['PINECONE_API_KEY=pcsk_...', `pcsk_${g(BASE62, 6)}_${g(BASE62, 20)}`],
    },
  },
  prefixed('elevenlabs-api-key', 'ElevenLabs API key', 'sk_', '[a-f0-9]{48}', () => g(HEX, 48), ['ELEVENLABS_API_KEY=', 'xi_api_key = ']),
  {
    id: 'wandb-api-key',
    description: 'Weights & Biases API key',
    keywords: ['wandb'],
    pattern:
      /(?:(?<![\w-])(?=wandb_v1_)|wandb[\w.-]{0,24}?(?:key|token)["'`]?[ \t]{0,4}[:=][ \t]{0,4}["'`]?)(?<secret>wandb_v1_[A-Za-z0-9]{27}_[A-Za-z0-9]{49}|[a-f0-9]{40})(?![\w-])/gi,
    entropy: 3,
    examples: {
      positive: [`WANDB_API_KEY=${g(HEX, 40)}`, `wandb.login(key="wandb_v1_${g(BASE62, 27)}_${g(BASE62, 49)}")`],
      negative: ['WANDB_API_KEY=$WANDB_KEY', `wandb_run_id: ${g(HEX, 40)}`],
    },
  },
  {
    id: 'deepseek-api-key',
    description: 'DeepSeek API key',
    keywords: ['deepseek'],
    pattern: assigned('deepseek', 'sk-[a-f0-9]{32}'),
    entropy: 3,
    examples: {
      positive: [`DEEPSEEK_API_KEY=sk-${g(HEX, 32)}`, `deepseek_key: "sk-${g(HEX, 32)}"`],
      negative: ['DEEPSEEK_API_KEY=sk-...', `deepseek_model: "deepseek-chat"`],
    },
  },
  {
    id: 'azure-openai-key',
    description: 'Azure OpenAI / Azure AI services key',
    keywords: ['azure', 'ocp-apim'],
    pattern: assigned('azure[_.-]?(?:openai|ai)[\\w.-]{0,24}?key|ocp-apim-subscription-key', '[a-f0-9]{32}|[A-Za-z0-9]{84}'),
    entropy: 3,
    examples: {
      positive: [`AZURE_OPENAI_API_KEY=${g(HEX, 32)}`, `Ocp-Apim-Subscription-Key: ${g(BASE62, 84)}`],
      negative: ['AZURE_OPENAI_API_KEY=<your-key>', 'AZURE_OPENAI_ENDPOINT=https://acme.openai.azure.com/'],
    },
  },
];

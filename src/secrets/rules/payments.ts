/** Payments and commerce: Stripe, Square, Braintree, PayPal, Shopify, Flutterwave, Plaid, shipping APIs. */
import type { SecretRule } from '../types.js';
import { BASE62, BASE64URL, HEX, LOWER_ALNUM, assigned, fakeUuid, generator } from './support.js';

const g = generator('payments');
const uuid = () => fakeUuid(g);
/** Current Stripe keys: `51`, the account id and the secret, 99 characters after the prefix. */
const stripeBody = () => `51${g(BASE62, 97)}`;

function shopifyRule(id: string, prefix: string, description: string): SecretRule {
  return {
    id,
    description,
    keywords: [prefix],
    pattern: new RegExp(`(?<![\\w-])(?<secret>${prefix}[a-fA-F0-9]{32})(?![\\w-])`, 'g'),
    entropy: 3,
    examples: {
      positive: [`SHOPIFY_TOKEN=${prefix}${g(HEX, 32)}`, `headers: { "X-Shopify-Access-Token": "${prefix}${g(HEX, 32)}" }`],
      negative: [`${prefix}${g(HEX, 24)}`, `${prefix}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`],
    },
  };
}

export const PAYMENT_RULES: readonly SecretRule[] = [
  {
    id: 'stripe-secret-key',
    description: 'Stripe live secret key',
    keywords: ['sk_live_'],
    pattern: /(?<![\w-])(?<secret>sk_live_[A-Za-z0-9]{24,247})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`STRIPE_SECRET_KEY=sk_live_${stripeBody()}`, `stripe.api_key = "sk_live_${g(BASE62, 24)}"`],
      negative: ['STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx', `sk_live_${g(BASE62, 16)}`, 'pk_live_' + g(BASE62, 24)],
    },
  },
  {
    id: 'stripe-restricted-key',
    description: 'Stripe live restricted key',
    keywords: ['rk_live_'],
    pattern: /(?<![\w-])(?<secret>rk_live_[A-Za-z0-9]{24,247})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`STRIPE_RESTRICTED_KEY=rk_live_${stripeBody()}`, `Stripe.apiKey = 'rk_live_${g(BASE62, 24)}';`],
      negative: ['rk_live_XXXXXXXXXXXXXXXXXXXXXXXX', `rk_live_${g(BASE62, 10)}`],
    },
  },
  {
    id: 'stripe-test-secret-key',
    description: 'Stripe test-mode secret or restricted key (full length)',
    keywords: ['sk_test_', 'rk_test_'],
    // The short keys in Stripe's documentation (24 characters after the prefix) are public
    // examples; keys issued today are 99 characters and belong to a real account.
    pattern: /(?<![\w-])(?<secret>[sr]k_test_[A-Za-z0-9]{90,247})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`STRIPE_SECRET_KEY=sk_test_${stripeBody()}`, `const stripe = new Stripe("rk_test_${stripeBody()}");`],
      negative: [
        "const stripe = require('stripe')('sk_test_4eC39HqLyjWDarjtT1zdp7dc');",
        'Stripe.api_key = "sk_test_BQokikJOvBiI2HlWgH4olfQ2"',
        `pk_test_${stripeBody()}`,
      ],
    },
  },
  {
    id: 'stripe-webhook-secret',
    description: 'Stripe webhook signing secret',
    keywords: ['whsec_'],
    pattern: /(?<![\w-])(?<secret>whsec_[A-Za-z0-9]{32,64})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`STRIPE_WEBHOOK_SECRET=whsec_${g(BASE62, 32)}`, `> Ready! Your webhook signing secret is whsec_${g(HEX, 64)}`],
      negative: ['STRIPE_WEBHOOK_SECRET=whsec_...', 'whsec_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    },
  },
  {
    id: 'square-access-token',
    description: 'Square access token',
    keywords: ['eaaa', 'sq0atp-'],
    pattern: /(?<![\w+/-])(?<secret>EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})(?![\w+/=-])/g,
    entropy: 3.5,
    examples: {
      positive: [`SQUARE_ACCESS_TOKEN=EAAA${g(BASE64URL, 60)}`, `Authorization: Bearer sq0atp-${g(BASE64URL, 22)}`],
      negative: [
        'aws-cli@sha256:eaaa7b11777babe28e6133a8b19ff71cea687e0d7f05158dee95a71f76ce3d00',
        `too short: EAAA${g(BASE64URL, 30)}`,
        'sq0atp-XXXXXXXXXXXXXXXXXXXXXX',
      ],
    },
  },
  {
    id: 'square-oauth-secret',
    description: 'Square OAuth application secret',
    keywords: ['sq0csp-'],
    pattern: /(?<![\w-])(?<secret>sq0csp-[A-Za-z0-9_-]{43})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`SQUARE_APP_SECRET=sq0csp-${g(BASE64URL, 43)}`, `"application_secret": "sq0csp-${g(BASE64URL, 43)}"`],
      negative: ['sq0csp-...', `sq0csp-${g(BASE64URL, 20)}`],
    },
  },
  {
    id: 'braintree-access-token',
    description: 'Braintree / PayPal access token',
    keywords: ['access_token$'],
    pattern: /(?<secret>access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})(?![\w$-])/g,
    entropy: 3,
    examples: {
      positive: [`BRAINTREE_ACCESS_TOKEN=access_token$production$${g(LOWER_ALNUM, 16)}$${g(HEX, 32)}`, `gateway = braintree.BraintreeGateway(access_token="access_token$sandbox$${g(LOWER_ALNUM, 16)}$${g(HEX, 32)}")`],
      negative: ['access_token$production$<merchant_id>$<token>', `access_token$production$${g(LOWER_ALNUM, 16)}`],
    },
  },
  {
    id: 'paypal-client-secret',
    description: 'PayPal REST API client secret',
    keywords: ['paypal'],
    pattern: assigned('paypal[\\w.-]{0,24}?secret', '[A-Za-z0-9_-]{60,90}'),
    entropy: 4,
    examples: {
      positive: [`PAYPAL_CLIENT_SECRET=E${g(BASE64URL, 79)}`, `paypal_secret: "E${g(BASE64URL, 79)}"`],
      negative: ['PAYPAL_CLIENT_SECRET=', `PAYPAL_CLIENT_ID=A${g(BASE64URL, 79)}`, 'paypal_secret: ${PAYPAL_SECRET}'],
    },
  },
  shopifyRule('shopify-access-token', 'shpat_', 'Shopify Admin API access token'),
  shopifyRule('shopify-shared-secret', 'shpss_', 'Shopify app shared secret'),
  shopifyRule('shopify-custom-app-token', 'shpca_', 'Shopify custom app access token'),
  shopifyRule('shopify-private-app-token', 'shppa_', 'Shopify private app access token'),
  {
    id: 'flutterwave-secret-key',
    description: 'Flutterwave secret key',
    keywords: ['flwseck'],
    pattern: /(?<![\w-])(?<secret>FLWSECK(?:_TEST)?-[a-h0-9]{32}-X)(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`FLW_SECRET_KEY=FLWSECK_TEST-${g(HEX, 32)}-X`, `secretKey: "FLWSECK-${g(HEX, 32)}-X"`],
      negative: ['FLW_SECRET_KEY=FLWSECK_TEST-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X', `FLWPUBK_TEST-${g(HEX, 32)}-X`],
    },
  },
  {
    id: 'plaid-access-token',
    description: 'Plaid access token',
    keywords: ['access-'],
    pattern: /(?<![\w-])(?<secret>access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`PLAID_ACCESS_TOKEN=access-production-${uuid()}`, `client.transactions_get({ access_token: "access-sandbox-${uuid()}" })`],
      negative: ['access_token: "access-sandbox-<uuid>"', `item_id: ${uuid()}`],
    },
  },
  {
    id: 'easypost-api-key',
    description: 'EasyPost production or test API key',
    keywords: ['ezak', 'eztk'],
    pattern: /(?<![\w-])(?<secret>EZ[AT]K[A-Za-z0-9]{54})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`EASYPOST_API_KEY=EZAK${g(BASE62, 54)}`, `client = easypost.EasyPostClient("EZTK${g(BASE62, 54)}")`],
      negative: [`EZAK${g(BASE62, 30)}`, 'EZAKXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'],
    },
  },
  {
    id: 'duffel-api-token',
    description: 'Duffel API token',
    keywords: ['duffel_'],
    pattern: /(?<![\w-])(?<secret>duffel_(?:test|live)_[A-Za-z0-9_=-]{43})(?![\w=-])/g,
    entropy: 3.5,
    examples: {
      positive: [`DUFFEL_ACCESS_TOKEN=duffel_live_${g(BASE64URL, 43)}`, `Duffel({ token: "duffel_test_${g(BASE64URL, 43)}" })`],
      negative: ['duffel_test_...', `duffel_live_${g(BASE64URL, 20)}`],
    },
  },
  {
    id: 'shippo-api-token',
    description: 'Shippo API token',
    keywords: ['shippo_'],
    pattern: /(?<![\w-])(?<secret>shippo_(?:live|test)_[a-fA-F0-9]{40})(?![\w-])/g,
    entropy: 3,
    examples: {
      positive: [`SHIPPO_API_KEY=shippo_live_${g(HEX, 40)}`, `Authorization: ShippoToken shippo_test_${g(HEX, 40)}`],
      negative: ['shippo_live_<token>', `shippo_test_${g(HEX, 20)}`],
    },
  },
  {
    id: 'gocardless-access-token',
    description: 'GoCardless access token',
    keywords: ['gocardless'],
    pattern: assigned('gocardless', '(?:live|sandbox)_[A-Za-z0-9_=-]{40}'),
    entropy: 3.5,
    examples: {
      positive: [`GOCARDLESS_ACCESS_TOKEN=live_${g(BASE64URL, 40)}`, `gocardless_token: "sandbox_${g(BASE64URL, 40)}"`],
      negative: ['GOCARDLESS_ENVIRONMENT=live', 'gocardless_token: "live_..."'],
    },
  },
];

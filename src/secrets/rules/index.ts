/** Every rule, specific ones first (their findings win over generic ones on the same text). */
import type { SecretRule } from '../types.js';
import { AI_RULES } from './ai.js';
import { CLOUD_RULES } from './cloud.js';
import { DEVTOOLS_RULES } from './devtools.js';
import { GENERIC_RULES } from './generic.js';
import { KEY_RULES } from './keys.js';
import { MESSAGING_RULES } from './messaging.js';
import { PAYMENT_RULES } from './payments.js';
import { REGISTRY_RULES } from './registries.js';
import { SAAS_RULES } from './saas.js';
import { VCS_RULES } from './vcs.js';

/** The rule files by group, for reports that count rules per group. */
export const RULE_GROUPS: Readonly<Record<string, readonly SecretRule[]>> = {
  cloud: CLOUD_RULES,
  vcs: VCS_RULES,
  registries: REGISTRY_RULES,
  messaging: MESSAGING_RULES,
  payments: PAYMENT_RULES,
  ai: AI_RULES,
  saas: SAAS_RULES,
  devtools: DEVTOOLS_RULES,
  keys: KEY_RULES,
  generic: GENERIC_RULES,
};

const all = Object.values(RULE_GROUPS).flat();

export const RULES: readonly SecretRule[] = [...all.filter((rule) => !rule.generic), ...all.filter((rule) => rule.generic)];

export const RULE_COUNT = RULES.length;

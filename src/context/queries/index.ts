import type { LanguageId } from '../languages.js';
import { c, cpp } from './c.js';
import { csharp } from './csharp.js';
import { go } from './go.js';
import { java } from './java.js';
import { php } from './php.js';
import { python } from './python.js';
import type { LanguageRules } from './rules.js';
import { ruby } from './ruby.js';
import { rust } from './rust.js';
import { swift } from './swift.js';
import { javascript, tsx, typescript } from './typescript.js';

const RULES: Readonly<Record<LanguageId, LanguageRules>> = { python, typescript, tsx, javascript, go, rust, java, c, cpp, ruby, csharp, php, swift };

export function rulesFor(language: LanguageId): LanguageRules {
  return RULES[language];
}

export type { LanguageRules } from './rules.js';

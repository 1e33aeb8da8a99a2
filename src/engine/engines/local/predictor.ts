/**
 * Next-token probabilities for one request: evidence from the repository's statistics and from
 * the document being edited (weighted above the repository: what this file already does is the
 * best guess of what it will do next), interpolated over match lengths, backed off to unigrams.
 */
import type { FamilyStats } from './corpus.js';
import type { CursorDocument } from './document.js';
import { estimate, type Prediction } from './estimate.js';
import { Evidence } from './evidence.js';
import { MAX_MATCH } from './occurrences.js';
import type { TokenSpace } from './token-space.js';

export interface PredictorOptions {
  /** How much one occurrence in the document counts against one in the repository. */
  documentWeight: number;
  /** Witten–Bell's escape weight: higher trusts sparse contexts less. */
  kappa: number;
  /** The match length past two tokens at which κ is halved (0: κ does not depend on length). */
  kappaHalfLength: number;
}

/** A prediction with its candidates indexed, so any token's probability is a lookup. */
export interface IndexedPrediction extends Prediction {
  index: Map<number, number>;
}

export const DEFAULT_PREDICTOR_OPTIONS: PredictorOptions = { documentWeight: 3, kappa: 1, kappaHalfLength: 6 };

/** Added to every count so unseen tokens keep a little probability. */
const UNIGRAM_FLOOR = 0.5;

export class Predictor {
  private readonly memo = new Map<string, IndexedPrediction>();
  private readonly evidence = new Evidence();
  private readonly unigramTotal: number;

  constructor(
    private readonly repository: FamilyStats | undefined,
    private readonly document: CursorDocument,
    private readonly space: TokenSpace,
    private readonly options: PredictorOptions = DEFAULT_PREDICTOR_OPTIONS,
  ) {
    const vocabulary = repository?.vocabulary;
    const kinds = (vocabulary?.size ?? 0) + document.counts.size;
    this.unigramTotal = (vocabulary?.total ?? 0) + options.documentWeight * document.countTotal + UNIGRAM_FLOOR * kinds;
  }

  /** The distribution of the token after `context` (only its last tokens matter). */
  predict(context: readonly number[]): IndexedPrediction {
    const start = Math.max(0, context.length - MAX_MATCH);
    const key = context.slice(start).join(',');
    const known = this.memo.get(key);
    if (known) return known;
    this.evidence.clear();
    this.repository?.store.collect(context, context.length, this.evidence, 1);
    this.document.store.collect(context, context.length, this.evidence, this.options.documentWeight);
    const prediction = estimate(this.evidence, this.options.kappa, this.options.kappaHalfLength);
    const entry = { ...prediction, index: new Map(prediction.ids.map((id, i) => [id, i])) };
    this.memo.set(key, entry);
    return entry;
  }

  /** P(id) under a prediction from `predict`. */
  probability(prediction: IndexedPrediction, id: number): number {
    const index = prediction.index.get(id);
    let seen = 0;
    if (index !== undefined) seen = prediction.seen[index]!;
    else for (const base of prediction.bases) seen += base.scale * (base.followers.counts.get(id) ?? 0);
    return seen + prediction.escape * this.unigram(id);
  }

  unigram(id: number): number {
    const repositoryCount = this.repository?.vocabulary.count(id) ?? 0;
    const documentCount = this.document.counts.get(id) ?? 0;
    return (repositoryCount + this.options.documentWeight * documentCount + UNIGRAM_FLOOR) / Math.max(1, this.unigramTotal);
  }

  /** Tokens starting with `prefix` from the repository's and the document's vocabulary. */
  tokensWithPrefix(prefix: string): number[] {
    const fromRepository = this.repository?.vocabulary.withPrefix(prefix) ?? [];
    const fromDocument = [...this.document.counts.keys()].filter((id) => this.space.text(id).startsWith(prefix));
    return [...new Set([...fromRepository, ...fromDocument])];
  }
}

import { invocationSlot } from './invocation.js';
import { writeLine } from './logger.js';

/**
 * Counts written as CloudWatch embedded metric format (EMF) documents, one JSON line each, in the
 * function's log stream: CloudWatch extracts the metrics, so no `PutMetricData` call and no grant.
 * The documents have the shape Powertools' Metrics wrote before this module replaced it (issue
 * 16): the namespace, one dimension set (the default dimensions, then the document's own), the
 * metric definitions, then the dimension and metric values as top-level keys.
 *
 * Every metric here is a count. Counts of one invocation are summed per name, and written in one
 * document when the invocation ends; they live in the invocation's own slot (./invocation.ts).
 */
export class CountMetrics {
  readonly #namespace: string;
  readonly #dimensions: Readonly<Record<string, string>>;
  readonly #counts = invocationSlot<Map<string, number>>('metrics.counts', () => new Map());

  constructor(namespace: string, defaultDimensions: Readonly<Record<string, string>>) {
    this.#namespace = namespace;
    this.#dimensions = defaultDimensions;
  }

  /** Adds to the invocation's count of `name`. */
  add(name: string, value: number): void {
    const counts = this.#counts.get();
    counts.set(name, (counts.get(name) ?? 0) + value);
  }

  /** Writes the invocation's counts in one document, if there are any, and forgets them. */
  publish(): void {
    const counts = this.#counts.get();
    if (counts.size === 0) return;
    this.#counts.set(new Map());
    this.#write(counts, this.#dimensions);
  }

  /** Forgets the invocation's counts without writing them. */
  clear(): void {
    this.#counts.set(new Map());
  }

  /** Writes one count at once, in a document of its own with these dimensions added. */
  single(name: string, value: number, dimensions: Readonly<Record<string, string>>): void {
    this.#write(new Map([[name, value]]), { ...this.#dimensions, ...dimensions });
  }

  #write(counts: ReadonlyMap<string, number>, dimensions: Readonly<Record<string, string>>): void {
    const document = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.#namespace,
            Dimensions: [Object.keys(dimensions)],
            Metrics: [...counts.keys()].map((name) => ({ Name: name, Unit: 'Count' })),
          },
        ],
      },
      ...dimensions,
      ...Object.fromEntries(counts),
    };
    writeLine(JSON.stringify(document));
  }
}

import { type Metric, type Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface Value {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/**
 * A histogram for the request path: one series per label combination, found by the caller's
 * own string key, and an observation is a bucket search and three additions. prom-client's
 * Histogram validates and hashes the label object on every observe (about 2 µs a request
 * here); this answers the registry in the same shape (`get()`), so the text is prom-client's.
 */
export class RequestHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    // The registry reads a metric through get() alone; prom-client's types list only its own classes.
    registry.registerMetric(this as unknown as Metric);
  }

  /** `key` must name `labels` uniquely; the labels are kept the first time a key is seen. */
  observe(key: string, labels: () => Record<string, string>, value: number): void {
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: labels(),
        counts: new Float64Array(this.bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += value;
    series.count++;
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: Value[];
  }> {
    const values: Value[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, index) => {
        cumulative += counts[index];
        values.push({
          labels: { ...labels, le },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({
        labels: { ...labels, le: '+Inf' },
        value: count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  reset(): void {
    this.series.clear();
  }
}

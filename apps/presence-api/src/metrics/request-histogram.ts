/** One sample line as prom-client's registry formats it. */
interface SampleValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** One label set's buckets (non-cumulative counts, made cumulative at scrape time), sum and count. */
interface Series {
  labels: Readonly<Record<string, string>>;
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * The incoming-request latency histogram, built for the hot path: a request's series is found by three map
 * lookups (route, method, status) whose label objects were made once, the first time the combination was
 * seen, so an observation allocates nothing. prom-client's Histogram hashes its label object on every
 * observation; this one is registered in the same registry and scrapes as the same Prometheus text.
 */
export class RequestHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** Records one request: `seconds` it took, its method, route pattern (never the URL) and status code. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const series = this.seriesOf(method, route, status);
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  /** Prometheus' view, as prom-client's registry asks every metric for it on a scrape. */
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: SampleValue[] }> {
    const values: SampleValue[] = [];
    for (const byMethod of this.series.values()) {
      for (const byStatus of byMethod.values()) {
        for (const series of byStatus.values()) {
          let cumulative = 0;
          for (let i = 0; i < this.bounds.length; i++) {
            cumulative += series.counts[i];
            values.push({ metricName: `${this.name}_bucket`, labels: { ...series.labels, le: this.bounds[i] }, value: cumulative });
          }
          values.push({ metricName: `${this.name}_bucket`, labels: { ...series.labels, le: '+Inf' }, value: series.count });
          values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
          values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
        }
      }
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    this.series.clear();
  }

  private seriesOf(method: string, route: string, status: number): Series {
    let byMethod = this.series.get(route);
    if (byMethod === undefined) this.series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (series === undefined) {
      series = { labels: { method, route, status: String(status) }, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      byStatus.set(status, series);
    }
    return series;
  }
}

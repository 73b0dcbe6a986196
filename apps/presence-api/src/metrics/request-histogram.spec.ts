import { type Metric, Registry } from 'prom-client';
import { RequestHistogram } from './request-histogram';

describe('RequestHistogram', () => {
  it('scrapes as a Prometheus histogram: cumulative buckets, +Inf, sum and count per label set', async () => {
    const registry = new Registry();
    const histogram = new RequestHistogram('http_seconds', 'Request latency', [0.01, 0.1]);
    registry.registerMetric(histogram as unknown as Metric);
    histogram.observe('GET', '/v1/presence/:userId', 200, 0.004);
    histogram.observe('GET', '/v1/presence/:userId', 200, 0.05);
    histogram.observe('GET', '/v1/presence/:userId', 200, 3);
    histogram.observe('GET', '/v1/presence/:userId', 404, 0.01);
    const text = await registry.metrics();
    const labels = 'method="GET",route="/v1/presence/:userId"';
    expect(text).toContain('# TYPE http_seconds histogram');
    expect(text).toContain(`http_seconds_bucket{${labels},status="200",le="0.01"} 1`);
    expect(text).toContain(`http_seconds_bucket{${labels},status="200",le="0.1"} 2`);
    expect(text).toContain(`http_seconds_bucket{${labels},status="200",le="+Inf"} 3`);
    expect(text).toContain(`http_seconds_sum{${labels},status="200"} 3.054`);
    expect(text).toContain(`http_seconds_count{${labels},status="200"} 3`);
    // A value on a bound counts in that bucket (le is "less than or equal").
    expect(text).toContain(`http_seconds_bucket{${labels},status="404",le="0.01"} 1`);
  });
});

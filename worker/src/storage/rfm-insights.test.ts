import { describe, expect, it } from 'vitest';
import { MIN_RFM_BUYERS, RFM_STALE_MS, rfmRefreshDue, type RfmInsight } from './rfm-insights';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const insight = (customers: number, ageMs: number): RfmInsight => ({
  computedAt: NOW - ageMs,
  cutPoints: { recency: [1, 2, 3, 4], frequency: [1, 1, 2, 3], monetary: [10, 20, 30, 40], customers },
});

describe('rfmRefreshDue (the lazy recomputation)', () => {
  it('computes a first set once the tenant has enough buyers', () => {
    expect(rfmRefreshDue(null, MIN_RFM_BUYERS - 1, NOW)).toBe(false);
    expect(rfmRefreshDue(null, MIN_RFM_BUYERS, NOW)).toBe(true);
  });

  it('recomputes fresh cut points when the buyers doubled (a shop being imported)', () => {
    expect(rfmRefreshDue(insight(15, 60_000), 29, NOW)).toBe(false);
    expect(rfmRefreshDue(insight(15, 60_000), 30, NOW)).toBe(true);
  });

  it('recomputes old cut points only when many new buyers arrived since', () => {
    expect(rfmRefreshDue(insight(1000, RFM_STALE_MS - 1), 1500, NOW)).toBe(false);
    expect(rfmRefreshDue(insight(1000, RFM_STALE_MS + 1), 1050, NOW)).toBe(false);
    expect(rfmRefreshDue(insight(1000, RFM_STALE_MS + 1), 1100, NOW)).toBe(true);
    expect(rfmRefreshDue(insight(20, RFM_STALE_MS + 1), 29, NOW)).toBe(false);
    expect(rfmRefreshDue(insight(20, RFM_STALE_MS + 1), 30, NOW)).toBe(true);
  });
});

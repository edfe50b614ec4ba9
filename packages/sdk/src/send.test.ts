import { describe, expect, it } from 'vitest';
import { sendTimeout } from './send';

describe('sendTimeout', () => {
  it('gives a request 30 s plus 1 s per 4 KB of body, so a slow uplink still gets a large batch through', () => {
    expect(sendTimeout('')).toBe(30_000);
    expect(sendTimeout('x'.repeat(20_000))).toBe(35_000);
    // The largest batch the SDK sends (400 KB): 130 s, enough at ~32 kbit/s.
    expect(sendTimeout('x'.repeat(400_000))).toBe(130_000);
  });
});

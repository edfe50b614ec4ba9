import { describe, expect, it } from 'vitest';
import { mask } from './mask';

describe('mask', () => {
  it('hides emails, card numbers, phone numbers and national ids', () => {
    expect(mask('Write to jo.doe+news@example.co.uk today')).toBe('Write to *** today');
    expect(mask('Card 4111 1111 1111 1111 ok')).toBe('Card *** ok');
    expect(mask('4111-1111-1111-1111')).toBe('***');
    expect(mask('Call +44 (20) 7946 0958')).toBe('Call ***');
    expect(mask('SSN 123-45-6789')).toBe('SSN ***');
    expect(mask('NI AB123456C')).toBe('NI ***');
  });

  it('keeps prices, years, dates and short numbers readable', () => {
    const s = 'Buy 2 for $19.99 — offer 2024-2026, ends 2026-11-29, code 1234';
    expect(mask(s)).toBe(s);
  });
});

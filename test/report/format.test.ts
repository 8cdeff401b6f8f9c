import { describe, expect, it } from 'vitest';
import { duration } from '../../src/report/format.js';

// Expected strings written out by hand: 119.6 s is 1 min 59.6 s, which rounds to 2 min 0 s.
describe('duration', () => {
  it('keeps one decimal below a minute', () => {
    expect(duration(0)).toBe('0.0s');
    expect(duration(59.94)).toBe('59.9s');
  });

  it('carries a rounded-up second into the minute instead of printing 60s', () => {
    expect(duration(59.96)).toBe('1m00s');
    expect(duration(119.4)).toBe('1m59s');
    expect(duration(119.6)).toBe('2m00s');
    expect(duration(3599.4)).toBe('59m59s');
  });

  it('switches to hours and minutes at an hour, carrying there too', () => {
    expect(duration(3599.6)).toBe('1h00m');
    expect(duration(7325)).toBe('2h02m');
  });

  it('says n/a for an unknown time', () => {
    expect(duration(Number.NaN)).toBe('n/a');
    expect(duration(Number.POSITIVE_INFINITY)).toBe('n/a');
  });
});

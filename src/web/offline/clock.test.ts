import { describe, expect, it, vi } from 'vitest';
import { captureTime } from './clock';

describe('captureTime', () => {
  it('writes the local wall time with the device offset, denoting the same instant', () => {
    const now = new Date('2026-03-07T10:15:30.123Z');
    vi.spyOn(now, 'getTimezoneOffset').mockReturnValue(-540); // Tokyo, UTC+9
    const t = captureTime(now);
    expect(t).toEqual({ clientTime: '2026-03-07T19:15:30.123+09:00', clientTzOffsetMin: 540 });
    expect(new Date(t.clientTime).getTime()).toBe(now.getTime());
  });

  it('handles zones west of UTC and half-hour offsets', () => {
    const now = new Date('2026-03-07T02:00:00.000Z');
    vi.spyOn(now, 'getTimezoneOffset').mockReturnValue(360); // Houston in winter, UTC-6
    expect(captureTime(now).clientTime).toBe('2026-03-06T20:00:00.000-06:00');
    const india = new Date('2026-03-07T02:00:00.000Z');
    vi.spyOn(india, 'getTimezoneOffset').mockReturnValue(-330);
    expect(captureTime(india).clientTime).toBe('2026-03-07T07:30:00.000+05:30');
  });
});

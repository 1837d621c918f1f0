import { describe, expect, it } from 'vitest';
import { SEGMENT } from '#schemas/study/codelists';
import {
  contains,
  normalise,
  placeMarkers,
  SEGMENT_ORDER,
  SEGMENTS,
  stepSegment,
  VIEW_H,
  VIEW_W,
} from './liver-geometry';

describe('liver template geometry', () => {
  it('draws every Couinaud segment of the code list, once', () => {
    expect([...SEGMENT_ORDER].sort()).toEqual(SEGMENT.items.map((i) => i.code).sort());
  });

  it("each segment's centre lies in that segment and in no other", () => {
    for (const s of SEGMENTS) {
      const [x, y] = s.centre;
      expect(SEGMENTS.filter((o) => contains(o, x, y)).map((o) => o.code)).toEqual([s.code]);
    }
  });

  it('normalises a point to 0–1 and keeps it inside', () => {
    expect(normalise(VIEW_W / 2, VIEW_H / 4)).toEqual({ x: 0.5, y: 0.25 });
    expect(normalise(-5, VIEW_H * 2)).toEqual({ x: 0, y: 1 });
  });

  it('arrow keys walk the segments in reading order and wrap', () => {
    expect(stepSegment(undefined, 1)).toBe('VII');
    expect(stepSegment('VII', -1)).toBe('III');
    expect(stepSegment('III', 1)).toBe('VII');
    expect(stepSegment('VIII', 1)).toBe('IVa');
  });

  it('places a lesion at its point, else in its segment, else nowhere', () => {
    const placed = placeMarkers([
      { lesion: 'L1', cls: 'cdlm', segment: 'VII', point: { x: 0.1, y: 0.2 } },
      { lesion: 'L2', cls: 'non_dlm', segment: 'VII' },
      { lesion: 'L3', cls: 'non_dlm', segment: 'VII' },
      { lesion: 'L4', cls: 'non_dlm' },
    ]);
    expect(placed.map((p) => [p.lesion, p.exact])).toEqual([
      ['L1', true],
      ['L2', false],
      ['L3', false],
    ]);
    expect(placed[0]?.at).toEqual([40, 54]);
    expect(placed[1]?.at).not.toEqual(placed[2]?.at);
  });
});

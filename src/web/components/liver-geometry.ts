import type { LesionClass } from '#schemas/rules/classification';

/**
 * The illustrated liver template: a schematic anterior view of the Couinaud segments (the
 * patient's right on the viewer's left, as on a CT slice seen from the feet). Coordinates
 * are in a 400 × 270 view box; points are stored normalised to 0–1 (`template_xy`), so the
 * drawing can be refined later without touching stored data.
 */

export const VIEW_W = 400;
export const VIEW_H = 270;

export type Segment = 'I' | 'II' | 'III' | 'IVa' | 'IVb' | 'V' | 'VI' | 'VII' | 'VIII';

type Pt = readonly [number, number];

export interface SegmentShape {
  readonly code: Segment;
  readonly points: readonly Pt[];
  /** Where its label (and a lesion placed by segment only) sits. */
  readonly centre: Pt;
}

const shape = (code: Segment, points: readonly Pt[], centre?: Pt): SegmentShape => {
  const c: Pt =
    centre ??
    ([
      points.reduce((s, p) => s + p[0], 0) / points.length,
      points.reduce((s, p) => s + p[1], 0) / points.length,
    ] as const);
  return { code, points, centre: c };
};

/** In reading order (top row left to right, then bottom row): the keyboard's order too. */
export const SEGMENTS: readonly SegmentShape[] = [
  shape('VII', [
    [30, 72],
    [68, 42],
    [115, 27],
    [112, 128],
    [24, 134],
  ]),
  shape('VIII', [
    [115, 27],
    [200, 20],
    [200, 128],
    [112, 128],
  ]),
  shape('IVa', [
    [200, 20],
    [275, 20],
    [272, 110],
    [200, 110],
  ]),
  shape(
    'II',
    [
      [275, 20],
      [340, 32],
      [395, 88],
      [272, 108],
    ],
    [318, 62],
  ),
  shape('VI', [
    [24, 134],
    [112, 128],
    [108, 250],
    [70, 240],
    [40, 214],
    [22, 176],
  ]),
  shape('V', [
    [112, 128],
    [200, 128],
    [198, 248],
    [140, 257],
    [108, 250],
  ]),
  shape('I', [
    [200, 110],
    [272, 110],
    [271, 146],
    [200, 146],
  ]),
  shape('IVb', [
    [200, 146],
    [271, 146],
    [267, 190],
    [232, 222],
    [198, 248],
  ]),
  shape(
    'III',
    [
      [272, 108],
      [395, 88],
      [340, 140],
      [267, 190],
    ],
    [318, 128],
  ),
];

export const SEGMENT_ORDER: readonly Segment[] = SEGMENTS.map((s) => s.code);

export function segmentShape(code: string): SegmentShape | undefined {
  return SEGMENTS.find((s) => s.code === code);
}

export const polygonPoints = (s: SegmentShape) => s.points.map((p) => p.join(',')).join(' ');

/** A view-box point → the stored point, rounded to 3 decimals and kept inside 0–1. */
export function normalise(x: number, y: number): { x: number; y: number } {
  const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
  return { x: clamp(x / VIEW_W), y: clamp(y / VIEW_H) };
}

export function toView(p: { x: number; y: number }): Pt {
  return [p.x * VIEW_W, p.y * VIEW_H];
}

/** Whether a view-box point lies inside a segment (ray casting). */
export function contains(s: SegmentShape, x: number, y: number): boolean {
  let inside = false;
  const pts = s.points;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i] as Pt;
    const [xj, yj] = pts[j] as Pt;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The next segment for an arrow key (wrapping), in reading order. */
export function stepSegment(current: Segment | undefined, delta: 1 | -1): Segment {
  const i = current === undefined ? -1 : SEGMENT_ORDER.indexOf(current);
  const n = SEGMENT_ORDER.length;
  return SEGMENT_ORDER[(((i + delta) % n) + n) % n] as Segment;
}

/**
 * How each class is drawn: colour *and* shape, so that the map is read without colour
 * (WCAG 1.4.1). The colours have ≥ 3:1 contrast against the segment fill.
 */
export const CLASS_STYLE: Record<
  LesionClass,
  { readonly colour: string; readonly shape: 'circle' | 'square' | 'triangle' | 'diamond' | 'ring' }
> = {
  cdlm: { colour: '#1d4e89', shape: 'circle' },
  non_cdlm: { colour: '#8a4b00', shape: 'square' },
  dlm_unconfirmed: { colour: '#6f42c1', shape: 'triangle' },
  non_dlm: { colour: '#b3261e', shape: 'diamond' },
  new_or_unknown: { colour: '#3d4750', shape: 'ring' },
};

export const CLASS_ORDER: readonly LesionClass[] = [
  'cdlm',
  'non_cdlm',
  'dlm_unconfirmed',
  'non_dlm',
  'new_or_unknown',
];

export interface Marker {
  readonly lesion: string;
  readonly cls: LesionClass;
  readonly segment?: string;
  readonly point?: { x: number; y: number };
}

/**
 * Where each marker is drawn: at its point when one was placed, else near the centre of
 * its segment (spread so markers of one segment do not cover each other); lesions with
 * neither are not drawn.
 */
export function placeMarkers(markers: readonly Marker[]): (Marker & { at: Pt; exact: boolean })[] {
  const perSegment = new Map<string, number>();
  const out: (Marker & { at: Pt; exact: boolean })[] = [];
  for (const m of markers) {
    if (m.point) {
      out.push({ ...m, at: toView(m.point), exact: true });
      continue;
    }
    const s = m.segment === undefined ? undefined : segmentShape(m.segment);
    if (!s) continue;
    const k = perSegment.get(s.code) ?? 0;
    perSegment.set(s.code, k + 1);
    const dx = ((k % 3) - 1) * 14;
    const dy = 16 + Math.floor(k / 3) * 14;
    out.push({ ...m, at: [s.centre[0] + dx, s.centre[1] + dy], exact: false });
  }
  return out;
}

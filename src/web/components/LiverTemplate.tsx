import { type KeyboardEvent, type MouseEvent, memo, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LesionClass } from '#schemas/rules/classification';
import {
  CLASS_ORDER,
  CLASS_STYLE,
  contains,
  type Marker,
  normalise,
  placeMarkers,
  polygonPoints,
  SEGMENT_ORDER,
  SEGMENTS,
  type Segment,
  segmentShape,
  stepSegment,
  toView,
  VIEW_H,
  VIEW_W,
} from './liver-geometry';

export interface LiverTemplateProps {
  /** Id of the element naming the control (the field label). */
  readonly labelledBy: string;
  readonly describedBy?: string | undefined;
  readonly segment: string | undefined;
  readonly point: { x: number; y: number } | undefined;
  /** Every lesion of the patient. */
  readonly markers: readonly Marker[];
  /** The lesion this form is about (drawn larger). */
  readonly current?: string | undefined;
  readonly readOnly?: boolean | undefined;
  readonly invalid?: boolean | undefined;
  /** A segment was chosen: with the clicked point, or `null` when the point must go. */
  readonly onPick?:
    | ((segment: Segment, point: { x: number; y: number } | null) => void)
    | undefined;
  readonly onFocus?: (() => void) | undefined;
  readonly onBlur?: (() => void) | undefined;
  /** What the map is (its `<title>`); the visible label is `labelledBy`. */
  readonly title: string;
  /** `display`: a picture of the lesions only (no segment to choose). */
  readonly mode?: 'pick' | 'display';
}

/**
 * The illustrated liver: each Couinaud segment is a radio button (click it, or focus the
 * map, move with the arrow keys and choose with Space or Enter); a click also drops the
 * lesion's point. Every lesion of the patient is drawn, by colour *and* shape of its class.
 */
export const LiverTemplate = memo(function LiverTemplate(props: LiverTemplateProps) {
  const { t } = useTranslation();
  const { segment, point, readOnly, onPick } = props;
  const [active, setActive] = useState<Segment | undefined>(undefined);
  const refs = useRef(new Map<Segment, SVGGElement>());
  const selected = SEGMENT_ORDER.includes(segment as Segment) ? (segment as Segment) : undefined;
  const tabStop = active ?? selected ?? SEGMENT_ORDER[0];

  const moveTo = (s: Segment) => {
    setActive(s);
    refs.current.get(s)?.focus();
  };
  const choose = (s: Segment, p: { x: number; y: number } | null | undefined) => {
    if (readOnly || !onPick) return;
    if (p !== undefined) {
      onPick(s, p);
      return;
    }
    // A keyboard choice keeps the point only if it still lies in the chosen segment.
    const shape = segmentShape(s);
    onPick(s, point && shape && contains(shape, ...toView(point)) ? point : null);
  };

  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>) => {
    const current = active ?? selected ?? SEGMENT_ORDER[0];
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        e.preventDefault();
        moveTo(stepSegment(current, 1));
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        e.preventDefault();
        moveTo(stepSegment(current, -1));
        break;
      case 'Home':
        e.preventDefault();
        moveTo(SEGMENT_ORDER[0] as Segment);
        break;
      case 'End':
        e.preventDefault();
        moveTo(SEGMENT_ORDER[SEGMENT_ORDER.length - 1] as Segment);
        break;
      case ' ':
      case 'Enter':
        e.preventDefault();
        if (current) choose(current, undefined);
        break;
    }
  };

  const onClick = (s: Segment) => (e: MouseEvent<SVGGElement>) => {
    setActive(s);
    const svg = e.currentTarget.ownerSVGElement;
    const ctm = svg?.getScreenCTM();
    // detail 0: a click synthesised by assistive technology, with no position.
    if (!svg || !ctm || e.detail === 0) {
      choose(s, undefined);
      return;
    }
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    choose(s, normalise(p.x, p.y));
  };

  const display = props.mode === 'display';
  const placed = placeMarkers(props.markers).sort(
    (a, b) => Number(a.lesion === props.current) - Number(b.lesion === props.current),
  );

  return (
    <div className="liver">
      <svg
        viewBox={`0 0 ${VIEW_W} ${VIEW_H}`}
        className="liver-map"
        {...(display
          ? { role: 'img' }
          : {
              role: 'radiogroup',
              'aria-readonly': readOnly || undefined,
              'aria-invalid': props.invalid || undefined,
            })}
        aria-labelledby={props.labelledBy}
        aria-describedby={props.describedBy}
        onKeyDown={display ? undefined : onKeyDown}
        onFocus={props.onFocus}
        onBlur={props.onBlur}
      >
        <title>{props.title}</title>
        {display &&
          SEGMENTS.map((s) => (
            <g key={s.code} className="seg">
              <polygon points={polygonPoints(s)} />
              <text x={s.centre[0]} y={s.centre[1] - 4} textAnchor="middle">
                {s.code}
              </text>
            </g>
          ))}
        {!display &&
          SEGMENTS.map((s) => (
            // biome-ignore lint/a11y/useSemanticElements: an SVG region cannot be an <input type="radio">.
            <g
              key={s.code}
              ref={(el) => {
                if (el) refs.current.set(s.code, el);
                else refs.current.delete(s.code);
              }}
              role="radio"
              aria-checked={selected === s.code}
              aria-label={t('template.segment', { segment: s.code })}
              tabIndex={tabStop === s.code ? 0 : -1}
              className={`seg${selected === s.code ? ' is-selected' : ''}`}
              data-segment={s.code}
              onClick={onClick(s.code)}
              onFocus={() => setActive(s.code)}
            >
              <polygon points={polygonPoints(s)} />
              <text x={s.centre[0]} y={s.centre[1] - 4} textAnchor="middle">
                {s.code}
              </text>
            </g>
          ))}
        <svg
          aria-hidden="true"
          x={0}
          y={0}
          width={VIEW_W}
          height={VIEW_H}
          className="liver-markers"
        >
          <text x={8} y={VIEW_H - 6} className="liver-orient">
            {t('template.right')}
          </text>
          <text x={VIEW_W - 8} y={VIEW_H - 6} textAnchor="end" className="liver-orient">
            {t('template.left')}
          </text>
          {placed.map((m) => (
            <g
              key={m.lesion}
              data-testid={`marker-${m.lesion}`}
              data-class={m.cls}
              className={`marker${m.lesion === props.current ? ' is-current' : ''}${m.exact ? '' : ' is-approx'}`}
              transform={`translate(${m.at[0]} ${m.at[1]})`}
            >
              <MarkerShape cls={m.cls} size={m.lesion === props.current ? 8 : 6} />
              <text x={10} y={4} className="marker-label">
                {m.lesion}
              </text>
            </g>
          ))}
        </svg>
      </svg>
      <ul className="sr-only" aria-label={t('template.markersList')}>
        {placed.map((m) => (
          <li key={m.lesion}>
            {t('template.markerText', {
              lesion: m.lesion,
              cls: t(`class.${m.cls}`),
              segment: m.segment ?? '—',
            })}
          </li>
        ))}
      </ul>
      <MarkerLegend />
    </div>
  );
});

export function MarkerShape({ cls, size = 6 }: { cls: LesionClass; size?: number }) {
  const { colour, shape } = CLASS_STYLE[cls];
  const s = size;
  switch (shape) {
    case 'circle':
      return <circle r={s} fill={colour} stroke="#fff" strokeWidth={1.5} />;
    case 'square':
      return (
        <rect
          x={-s}
          y={-s}
          width={2 * s}
          height={2 * s}
          fill={colour}
          stroke="#fff"
          strokeWidth={1.5}
        />
      );
    case 'triangle':
      return (
        <polygon
          points={`0,${-s - 1} ${s + 1},${s} ${-s - 1},${s}`}
          fill={colour}
          stroke="#fff"
          strokeWidth={1.5}
        />
      );
    case 'diamond':
      return (
        <polygon
          points={`0,${-s - 2} ${s + 2},0 0,${s + 2} ${-s - 2},0`}
          fill={colour}
          stroke="#fff"
          strokeWidth={1.5}
        />
      );
    case 'ring':
      return <circle r={s} fill="#fff" stroke={colour} strokeWidth={3} />;
  }
}

export function MarkerLegend() {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="liver-legend">
      <p className="hint legend-title" id={id}>
        {t('template.legend')}
      </p>
      <ul aria-labelledby={id} className="legend-list">
        {CLASS_ORDER.map((c) => (
          <li key={c}>
            <svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">
              <MarkerShape cls={c} />
            </svg>
            {t(`class.${c}`)}
          </li>
        ))}
        <li>
          <svg
            viewBox="-10 -10 20 20"
            width="18"
            height="18"
            aria-hidden="true"
            className="is-approx"
          >
            <circle r={6} fill="#fff" stroke="#3d4750" strokeWidth={1.5} strokeDasharray="3 2" />
          </svg>
          {t('template.approx')}
        </li>
      </ul>
    </div>
  );
}

import { forwardRef, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { LesionFlow, StardFlow } from '#schemas/endpoints/stard';
import { BRAND, INK, MUTED } from './ForestPlot';

const WIDTH = 920;
const LINE = 17;
const PAD = 9;
const GAP = 16;
const EXCLUDED = '#fff4d6';
const LINE_COLOUR = '#57606a';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  title: string;
  lines: string[];
  kind: 'main' | 'excluded' | 'leaf';
  testId?: string;
}

const heightOf = (lines: number) => PAD * 2 + LINE * (1 + lines);

/**
 * The STARD flow drawn from live counts. Boxes and arrows are laid out top to bottom:
 * patients (registered → enrolled → operated, exclusions to the right), then the lesions
 * of operated patients split into the DLM and the cDLM branches, each with its exclusions,
 * evaluable lesions and the resected / left-in-place leaves with their nonviable counts.
 * Colours and fonts are SVG attributes, so the downloaded file looks the same.
 */
export const StardDiagram = forwardRef<SVGSVGElement, { flow: StardFlow; title: string }>(
  function StardDiagram({ flow, title }, ref) {
    const { t } = useTranslation();
    const uid = useId().replace(/:/g, '');
    const arrow = `stard-arrow-${uid}`;
    const boxes: Box[] = [];
    const paths: { d: string; arrow: boolean }[] = [];
    let y = 8;

    const add = (b: Omit<Box, 'h'>): Box => {
      const box = { ...b, h: heightOf(b.lines.length) };
      boxes.push(box);
      return box;
    };
    const down = (x: number, from: number, to: number) =>
      paths.push({ d: `M${x},${from} V${to}`, arrow: true });
    const right = (x1: number, x2: number, at: number) =>
      paths.push({ d: `M${x1},${at} H${x2}`, arrow: true });

    // Patients: a main column at x 80–420 (centre 250), exclusions at 500–900.
    const cx = 250;
    const main = (title: string, lines: string[], testId: string) =>
      add({ x: 80, y, w: 340, title, lines, kind: 'main', testId });
    const side = (title: string, lines: string[], testId: string) => {
      const b = add({ x: 500, y, w: 400, title, lines, kind: 'excluded', testId });
      right(cx, 500, b.y + b.h / 2);
      y += b.h + GAP;
      return b;
    };
    const reg = main(
      t('dashboard.stard.registered', { count: flow.registered }),
      [],
      'stard-registered',
    );
    y += reg.h + GAP;
    side(
      t('dashboard.stard.notEnrolled', { count: flow.notEnrolled }),
      flow.notEnrolledReasons.map(
        (r) => `${t(`dashboard.reasons.enrolmentShort.${r.reason}`)}: ${r.count}`,
      ),
      'stard-not-enrolled',
    );
    const enrolled = main(
      t('dashboard.stard.enrolled', { count: flow.enrolled }),
      [],
      'stard-enrolled',
    );
    down(cx, reg.y + reg.h, enrolled.y);
    y += enrolled.h + GAP;
    side(
      t('dashboard.stard.notOperated', { count: flow.notOperated }),
      flow.notOperatedReasons.map(
        (r) => `${t(`dashboard.reasons.notOperated.${r.reason}`)}: ${r.count}`,
      ),
      'stard-not-operated',
    );
    const operated = main(
      t('dashboard.stard.operated', { count: flow.operated }),
      [
        t('dashboard.stard.withDlm', { count: flow.patientsWithDlm }),
        t('dashboard.stard.withCdlm', { count: flow.patientsWithCdlm }),
        t('dashboard.stard.withoutDlm', { count: flow.patientsWithoutDlm }),
      ],
      'stard-operated',
    );
    down(cx, enrolled.y + enrolled.h, operated.y);
    y += operated.h + GAP;
    const l = flow.lesions;
    const lesions = main(
      t('dashboard.stard.lesions', { count: l.recorded }),
      [
        t('dashboard.stard.nonDlm', { count: l.nonDlm }),
        t('dashboard.stard.notOnBaseline', { count: l.notOnBaselineCt }),
        t('dashboard.stard.unclassified', { count: l.unclassified }),
      ],
      'stard-lesions',
    );
    down(cx, operated.y + operated.h, lesions.y);
    y += lesions.h + GAP * 1.5;

    // Lesions: the DLM branch at x 20–440, the cDLM branch at 480–900.
    const branchTop = y;
    const branch = (x0: number, name: 'dlm' | 'cdlm', f: LesionFlow) => {
      y = branchTop;
      const bx = x0 + 95;
      const head = add({
        x: x0,
        y,
        w: 190,
        title: t(`dashboard.stard.${name}`, { count: f.total }),
        lines: [],
        kind: 'main',
        testId: `stard-${name}`,
      });
      y += head.h + GAP;
      const excl = add({
        x: x0 + 210,
        y,
        w: 210,
        title: t('dashboard.stard.notEvaluable', { count: f.notEvaluable }),
        lines: f.exclusions.map(
          (e) => `${t(`dashboard.reasons.lesionShort.${e.reason}`)}: ${e.count}`,
        ),
        kind: 'excluded',
        testId: `stard-${name}-excluded`,
      });
      right(bx, x0 + 210, excl.y + excl.h / 2);
      y += excl.h + GAP;
      const evaluable = add({
        x: x0,
        y,
        w: 190,
        title: t(`dashboard.stard.evaluable`, { count: f.evaluable }),
        lines: [],
        kind: 'main',
        testId: `stard-${name}-evaluable`,
      });
      down(bx, head.y + head.h, evaluable.y);
      y += evaluable.h + GAP * 1.5;
      const leaf = (
        x: number,
        key: 'resected' | 'leftInPlace',
        c: { n: number; nonviable: number },
      ) =>
        add({
          x,
          y,
          w: 200,
          title: t(`dashboard.stard.${key}`, { count: c.n }),
          lines: [t('dashboard.stard.nonviable', { count: c.nonviable })],
          kind: 'leaf',
          testId: `stard-${name}-${key}`,
        });
      const res = leaf(x0, 'resected', f.resected);
      const left = leaf(x0 + 220, 'leftInPlace', f.leftInPlace);
      const split = evaluable.y + evaluable.h + GAP * 0.75;
      paths.push({ d: `M${bx},${evaluable.y + evaluable.h} V${split}`, arrow: false });
      paths.push({ d: `M${bx},${split} H${res.x + res.w / 2} V${res.y}`, arrow: true });
      paths.push({ d: `M${bx},${split} H${left.x + left.w / 2} V${left.y}`, arrow: true });
      return res.y + res.h;
    };
    const split = branchTop - GAP * 0.75;
    paths.push({ d: `M${cx},${lesions.y + lesions.h} V${split}`, arrow: false });
    paths.push({ d: `M${cx},${split} H${20 + 95} V${branchTop}`, arrow: true });
    paths.push({ d: `M${cx},${split} H${480 + 95} V${branchTop}`, arrow: true });
    const bottom = Math.max(branch(20, 'dlm', l.dlm), branch(480, 'cdlm', l.cdlm));
    const height = bottom + 8;

    return (
      <svg
        ref={ref}
        xmlns="http://www.w3.org/2000/svg"
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-labelledby={`${uid}-title`}
        className="dash-stard"
        fontFamily="system-ui, sans-serif"
        data-testid="stard-diagram"
      >
        <title id={`${uid}-title`}>{title}</title>
        <defs>
          <marker
            id={arrow}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" fill={LINE_COLOUR} />
          </marker>
        </defs>
        <rect width={WIDTH} height={height} fill="#ffffff" />
        {paths.map((p) => (
          <path
            key={p.d}
            d={p.d}
            fill="none"
            stroke={LINE_COLOUR}
            strokeWidth="1.5"
            markerEnd={p.arrow ? `url(#${arrow})` : undefined}
          />
        ))}
        {boxes.map((b) => (
          <g key={`${b.x},${b.y}`} data-testid={b.testId}>
            <rect
              x={b.x}
              y={b.y}
              width={b.w}
              height={b.h}
              rx="5"
              fill={b.kind === 'excluded' ? EXCLUDED : '#ffffff'}
              stroke={b.kind === 'main' ? BRAND : MUTED}
              strokeWidth={b.kind === 'main' ? 1.8 : 1.2}
            />
            <text x={b.x + PAD} y={b.y + PAD + 12} fontSize="13" fontWeight="600" fill={INK}>
              {b.title}
            </text>
            {b.lines.map((line, i) => (
              <text
                key={line}
                x={b.x + PAD}
                y={b.y + PAD + 12 + LINE * (i + 1)}
                fontSize="12"
                fill={INK}
              >
                {line}
              </text>
            ))}
          </g>
        ))}
      </svg>
    );
  },
);

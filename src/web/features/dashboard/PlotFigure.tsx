import { useEffect, useRef } from 'react';

/**
 * Makes Plot's output fit this app:
 * - Plot adds a `<style>` element to every chart, which the CSP (`style-src 'self'`, no
 *   inline styles) would refuse and report. It is removed before the chart is attached; its
 *   few rules live in styles.css under `.dash-plot`. Nothing else Plot makes needs CSS.
 * - Plot labels each mark group `aria-label="dot"`, which ARIA does not allow on an element
 *   without a role. The chart is one image (role img, labelled on the root), so the labels
 *   move to `data-mark`.
 */
export function adaptPlot<T extends Element>(node: T): T {
  for (const style of node.querySelectorAll('style')) style.remove();
  for (const el of node.querySelectorAll('[aria-label]')) {
    el.setAttribute('data-mark', el.getAttribute('aria-label') ?? '');
    el.removeAttribute('aria-label');
  }
  for (const el of node.querySelectorAll('[aria-description]'))
    el.removeAttribute('aria-description');
  return node;
}

/** Puts a chart built by `render` (Plot or any detached SVG) into the page. */
export function PlotFigure({
  render,
  className,
}: {
  /** Builds the chart; called again whenever it changes identity. */
  render: () => Element;
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = adaptPlot(render());
    ref.current?.replaceChildren(node);
    return () => node.remove();
  }, [render]);
  return <div ref={ref} className={className} />;
}

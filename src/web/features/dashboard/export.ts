/**
 * Figures as files: SVG (serialised as drawn) and PNG (the SVG drawn onto a canvas). The
 * figures carry their look in SVG presentation attributes (fill, stroke, font-size), not
 * in CSS, so a downloaded file looks like the page without the app's stylesheet.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

function size(svg: SVGSVGElement): { width: number; height: number } {
  const vb = svg.viewBox?.baseVal;
  const width = Number(svg.getAttribute('width')) || vb?.width || 640;
  const height = Number(svg.getAttribute('height')) || vb?.height || 400;
  return { width, height };
}

/**
 * One standalone SVG: a title line, then the given SVGs stacked (a plot and the numbers at
 * risk under it, say), on a white background.
 */
export function composeSvg(title: string, parts: readonly SVGSVGElement[]): SVGSVGElement {
  const gap = 8;
  const titleHeight = 28;
  const sizes = parts.map(size);
  const width = Math.max(320, ...sizes.map((s) => s.width));
  const height = titleHeight + sizes.reduce((h, s) => h + s.height + gap, 0);
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  out.setAttribute('font-family', 'system-ui, sans-serif');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  out.append(bg);
  const heading = document.createElementNS(SVG_NS, 'text');
  heading.setAttribute('x', '8');
  heading.setAttribute('y', '19');
  heading.setAttribute('font-size', '14');
  heading.setAttribute('font-weight', '600');
  heading.setAttribute('fill', '#1b1f24');
  heading.textContent = title;
  out.append(heading);
  let y = titleHeight;
  parts.forEach((part, i) => {
    const copy = part.cloneNode(true) as SVGSVGElement;
    const s = sizes[i] as { width: number; height: number };
    copy.setAttribute('x', '0');
    copy.setAttribute('y', String(y));
    copy.setAttribute('width', String(s.width));
    copy.setAttribute('height', String(s.height));
    copy.removeAttribute('class');
    out.append(copy);
    y += s.height + gap;
  });
  return out;
}

export function svgText(svg: SVGSVGElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}`;
}

function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  // The download has started from the click; the URL is released on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function downloadSvg(svg: SVGSVGElement, filename: string): void {
  save(new Blob([svgText(svg)], { type: 'image/svg+xml;charset=utf-8' }), filename);
}

/** Draws the SVG on a canvas at twice its size (sharp on print and on dense screens). */
export async function downloadPng(svg: SVGSVGElement, filename: string, scale = 2): Promise<void> {
  const { width, height } = size(svg);
  const url = URL.createObjectURL(
    new Blob([svgText(svg)], { type: 'image/svg+xml;charset=utf-8' }),
  );
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2D canvas');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('PNG encoding failed');
    save(blob, filename);
  } finally {
    URL.revokeObjectURL(url);
  }
}

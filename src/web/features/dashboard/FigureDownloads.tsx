import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The download buttons under a figure: SVG and PNG of the drawing, CSV of its numbers. */
export function FigureDownloads({
  name,
  csvHref,
  onSvg,
  onPng,
}: {
  /** The figure's title, so that each button says what it downloads. */
  name: string;
  csvHref: string | null;
  onSvg?: () => void;
  onPng?: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState(false);
  return (
    <div className="dash-downloads">
      {csvHref && (
        <a href={csvHref} download aria-label={t('dashboard.download.csvOf', { name })}>
          {t('dashboard.download.csv')}
        </a>
      )}
      {onSvg && (
        <button type="button" onClick={onSvg} aria-label={t('dashboard.download.svgOf', { name })}>
          {t('dashboard.download.svg')}
        </button>
      )}
      {onPng && (
        <button
          type="button"
          onClick={() => {
            setFailed(false);
            onPng().catch(() => setFailed(true));
          }}
          aria-label={t('dashboard.download.pngOf', { name })}
        >
          {t('dashboard.download.png')}
        </button>
      )}
      {failed && (
        <span role="alert" className="field-error">
          {t('dashboard.download.failed')}
        </span>
      )}
    </div>
  );
}

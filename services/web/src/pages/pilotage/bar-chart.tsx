import { useId } from 'react';

export interface Bar {
  label: string;
  /** null: withheld (fewer than 5 people), drawn as an empty bar marked « < 5 ». */
  value: number | null;
  shown: string;
  tone?: 'default' | 'alert' | 'success';
}

const tones = { default: '#000091', alert: '#ce0500', success: '#18753c' } as const;

/**
 * Horizontal bars in plain SVG, no charting library: drawn by the page itself, so it works offline under
 * the self-only CSP and weighs nothing. The drawing is a picture with a title that sends to its table
 * (placed right below by every page): screen readers read the table, not the bars.
 */
export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  const rowHeight = 28;
  const labelWidth = 230;
  const width = 640;
  const barSpace = width - labelWidth - 70;
  const height = bars.length * rowHeight + 8;
  return (
    <figure className="relais-chart fr-mb-2w">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-titre`} preserveAspectRatio="xMinYMin meet">
        <title id={`${id}-titre`}>{`${title} (graphique ; les chiffres sont dans le tableau qui suit)`}</title>
        {bars.map((bar, index) => {
          const y = index * rowHeight + 4;
          const length = bar.value === null ? 0 : Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * barSpace);
          return (
            <g key={bar.label}>
              <text x={labelWidth - 8} y={y + 17} textAnchor="end" fontSize="13" fill="#161616">
                {bar.label.length > 32 ? `${bar.label.slice(0, 31)}…` : bar.label}
              </text>
              <rect x={labelWidth} y={y + 4} width={length} height={rowHeight - 10} fill={tones[bar.tone ?? 'default']} />
              {bar.value === null && <rect x={labelWidth} y={y + 4} width={24} height={rowHeight - 10} fill="none" stroke="#666666" strokeDasharray="3 2" />}
              <text x={labelWidth + length + (bar.value === null ? 30 : 6)} y={y + 17} fontSize="13" fill="#161616">
                {bar.shown}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="fr-text--sm fr-mb-0">{title}</figcaption>
    </figure>
  );
}

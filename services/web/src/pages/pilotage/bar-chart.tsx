export interface Bar {
  label: string;
  /** null: withheld (fewer than 5 people), drawn as an empty dashed bar marked « < 5 ». */
  value: number | null;
  shown: string;
  tone?: 'default' | 'alert' | 'success';
}

const tones = { default: '#000091', alert: '#ce0500', success: '#18753c' } as const;

/**
 * Horizontal bars, no charting library: each bar an SVG rectangle sized in percent, its label and figure in
 * the page's own text, so it reflows from 320 px to a wide screen, works offline under the self-only CSP and
 * weighs nothing. The whole is one picture for screen readers (role="img" and a name that sends to the table
 * placed right below by every page): they read the table, not the bars.
 */
export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  return (
    <figure className="relais-chart fr-mb-2w">
      <div role="img" aria-label={`${title} : graphique, les chiffres sont dans le tableau qui suit`} className="relais-bars">
        {bars.map((bar) => (
          <div key={bar.label} className="relais-bar">
            <span className="relais-bar-label">{bar.label}</span>
            <span className="relais-bar-track">
              <svg width="100%" height="16" focusable="false">
                {bar.value === null ? (
                  <rect x="1" y="1" width="22" height="14" fill="none" stroke="#666666" strokeDasharray="3 2" />
                ) : (
                  <rect x="0" y="0" width={`${bar.value > 0 ? Math.max(0.5, (bar.value / max) * 100) : 0}%`} height="16" fill={tones[bar.tone ?? 'default']} />
                )}
              </svg>
            </span>
            <span className="relais-bar-value">{bar.shown}</span>
          </div>
        ))}
      </div>
      <figcaption className="fr-text--sm fr-mb-0 fr-mt-1w">{title}</figcaption>
    </figure>
  );
}

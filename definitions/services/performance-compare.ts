/** The figures a regression is judged on. */
export interface ComparedFigures {
  readonly fps: number;
  readonly avg_render_time_ms: number;
}

/** Regression thresholds, percent. */
export interface RegressionLimits {
  readonly maxFpsDropPercent: number;
  readonly maxRenderTimeRisePercent: number;
}

/** A comparison with a baseline. */
export interface Comparison {
  /** Percent change of fps (negative is a drop); null when the baseline fps is 0. */
  readonly fpsChangePercent: number | null;
  /** Percent change of the average render time; null when the baseline is 0. */
  readonly renderTimeChangePercent: number | null;
  readonly regressions: string[];
}

const change = (measured: number, baseline: number): number | null => (baseline > 0 ? Number((((measured - baseline) / baseline) * 100).toFixed(2)) : null);
const signed = (x: number): string => `${x > 0 ? '+' : ''}${x.toFixed(1)}%`;

/**
 * Compares measured figures with a baseline: an fps drop beyond `maxFpsDropPercent` or an average
 * render time rise beyond `maxRenderTimeRisePercent` is a regression (exactly at the limit is not).
 */
export function comparePerformance(measured: ComparedFigures, baseline: ComparedFigures, limits: RegressionLimits): Comparison {
  const fps = change(measured.fps, baseline.fps);
  const render = change(measured.avg_render_time_ms, baseline.avg_render_time_ms);
  const regressions: string[] = [];
  if (fps !== null && -fps > limits.maxFpsDropPercent) regressions.push(`fps ${signed(fps)} (limit -${limits.maxFpsDropPercent}%)`);
  if (render !== null && render > limits.maxRenderTimeRisePercent) regressions.push(`avg render time ${signed(render)} (limit +${limits.maxRenderTimeRisePercent}%)`);
  return { fpsChangePercent: fps, renderTimeChangePercent: render, regressions };
}

/** The figures the gates read. */
export interface GateFigures {
  readonly warning_count: number;
  readonly flash_percent: number;
  readonly ram_percent: number;
}

/** The limits: warnings at most `maxWarnings`, flash and RAM strictly below their percentages. */
export interface GateLimits {
  readonly maxWarnings: number;
  readonly maxFlashPercent: number;
  readonly maxRamPercent: number;
}

/** The verdict of the quality gates. */
export interface GateVerdict {
  readonly verdict: 'pass' | 'fail';
  /** Each failed gate, e.g. "flash 72.1% >= 70%". */
  readonly failedGates: string[];
  readonly reason: string;
}

const pct = (x: number): string => `${Number(x.toFixed(1))}%`;

/** Applies the quality gates of the firmware pipeline. A build that failed fails the "build" gate. */
export function evaluateGates(buildSuccess: boolean, figures: GateFigures, limits: GateLimits): GateVerdict {
  const failed: string[] = [];
  if (!buildSuccess) failed.push('build failed');
  if (figures.warning_count > limits.maxWarnings) failed.push(`warnings ${figures.warning_count} > ${limits.maxWarnings}`);
  if (buildSuccess && figures.flash_percent >= limits.maxFlashPercent) failed.push(`flash ${pct(figures.flash_percent)} >= ${pct(limits.maxFlashPercent)}`);
  if (buildSuccess && figures.ram_percent >= limits.maxRamPercent) failed.push(`ram ${pct(figures.ram_percent)} >= ${pct(limits.maxRamPercent)}`);
  if (failed.length === 0) {
    return {
      verdict: 'pass',
      failedGates: [],
      reason: `All gates passed: ${figures.warning_count} warnings (max ${limits.maxWarnings}), flash ${pct(figures.flash_percent)} (< ${pct(limits.maxFlashPercent)}), ram ${pct(figures.ram_percent)} (< ${pct(limits.maxRamPercent)})`,
    };
  }
  return { verdict: 'fail', failedGates: failed, reason: `${failed.length} gate${failed.length === 1 ? '' : 's'} failed: ${failed.join('; ')}` };
}

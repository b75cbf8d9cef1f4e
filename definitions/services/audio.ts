import Meyda from 'meyda';

/** The analysis grid every feature task shares. */
export interface AnalysisSettings {
  /** Hz: 8000 to 96000, the rates of the K1 task contracts. */
  readonly sampleRate: number;
  /** FFT window, samples: a power of two from 256 to 8192. */
  readonly windowSize: number;
  /** Between window starts, samples: windowSize / 8 to windowSize. */
  readonly hopSize: number;
}

/**
 * What one input may cost, so that no sample or setting can hold a worker for long: analysis
 * rates are the K1 contracts' (8-96 kHz), sources are read at 8-192 kHz (the rates audio files
 * are recorded at), samples last at most 10 minutes, windows overlap by at most 7/8 (hop at
 * least window/8, 4x the usual window/2 of the K1 pipeline), and an analysis has at most
 * 200,000 windows.
 */
export const AUDIO_BOUNDS = {
  analysisRateHz: { min: 8000, max: 96_000 },
  sourceRateHz: { min: 8000, max: 192_000 },
  maxSeconds: 600,
  /** Smallest hop, as a fraction of the window. */
  minHopFraction: 1 / 8,
  maxFrames: 200_000,
} as const;

/** Settings that cannot describe a valid analysis, or that would cost more than {@link AUDIO_BOUNDS} allows. */
export class AnalysisSettingsError extends Error {
  readonly code = 'invalid_analysis_settings';
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisSettingsError';
  }
}

/**
 * Throws {@link AnalysisSettingsError} unless the window is a power of two (256-8192), the hop
 * is from window/8 to the window, and the rate is 8000-96000 Hz; the message names the range.
 */
export function assertSettings(s: AnalysisSettings): void {
  if (!Number.isInteger(s.windowSize) || s.windowSize < 256 || s.windowSize > 8192 || (s.windowSize & (s.windowSize - 1)) !== 0) {
    throw new AnalysisSettingsError(`window_size ${s.windowSize} must be a power of two from 256 to 8192`);
  }
  const minHop = s.windowSize * AUDIO_BOUNDS.minHopFraction;
  if (!Number.isInteger(s.hopSize) || s.hopSize < minHop || s.hopSize > s.windowSize) {
    throw new AnalysisSettingsError(`hop_size ${s.hopSize} must be a whole number from ${minHop} to ${s.windowSize} (window_size / 8 to window_size ${s.windowSize})`);
  }
  const { min, max } = AUDIO_BOUNDS.analysisRateHz;
  if (!Number.isInteger(s.sampleRate) || s.sampleRate < min || s.sampleRate > max) throw new AnalysisSettingsError(`sample_rate ${s.sampleRate} Hz must be a whole number from ${min} to ${max} Hz`);
}

/** Throws {@link AnalysisSettingsError} when `length` samples analysed with `s` make more windows than {@link AUDIO_BOUNDS} allows. */
export function assertFrameBudget(length: number, s: AnalysisSettings): void {
  const frames = frameCount(length, s);
  if (frames > AUDIO_BOUNDS.maxFrames) {
    const hop = Math.ceil((length - s.windowSize) / (AUDIO_BOUNDS.maxFrames - 1));
    throw new AnalysisSettingsError(`${frames} analysis windows (${length} samples, hop_size ${s.hopSize}) are more than the ${AUDIO_BOUNDS.maxFrames} allowed: raise hop_size to at least ${hop}`);
  }
}

/** `x` rounded to `digits` decimals, as the feature files and task outputs carry figures. */
export const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

/** Number of analysis windows over `length` samples (a short signal gets one zero-padded window). */
export function frameCount(length: number, s: AnalysisSettings): number {
  if (length <= 0) return 0;
  return length < s.windowSize ? 1 : Math.floor((length - s.windowSize) / s.hopSize) + 1;
}

/** Time of a window, seconds: its centre. */
export function frameTime(index: number, s: AnalysisSettings): number {
  return (index * s.hopSize + s.windowSize / 2) / s.sampleRate;
}

/** Windows per second. */
export function frameRate(s: AnalysisSettings): number {
  return s.sampleRate / s.hopSize;
}

/** Per window: the amplitude spectrum (Hann window, scaled so that a unit sine peaks near 1), centroid and RMS. */
export interface Spectrogram {
  readonly settings: AnalysisSettings;
  /** windowSize / 2 bins each, bin k at k * sampleRate / windowSize Hz. */
  readonly spectra: Float32Array[];
  readonly centroidHz: number[];
  /** RMS of the Hann-windowed frame (meyda's definition). */
  readonly rms: number[];
}

type MeydaLike = {
  bufferSize: number;
  sampleRate: number;
  windowingFunction: string;
  extract(features: string[], signal: Float32Array): Record<string, unknown> | null;
};

/** Windows the signal and takes each window's spectrum with meyda (Hann window, FFT). */
export function spectrogram(pcm: Float32Array, s: AnalysisSettings): Spectrogram {
  assertSettings(s);
  const meyda = Meyda as unknown as MeydaLike;
  const n = frameCount(pcm.length, s);
  const spectra: Float32Array[] = [];
  const centroidHz: number[] = [];
  const rms: number[] = [];
  const binHz = s.sampleRate / s.windowSize;
  const scale = 4 / s.windowSize; // the Hann window sums to N/2; x2 for the one-sided spectrum
  for (let i = 0; i < n; i++) {
    const frame = new Float32Array(s.windowSize);
    frame.set(pcm.subarray(i * s.hopSize, Math.min(pcm.length, i * s.hopSize + s.windowSize)));
    // meyda keeps its settings on a shared object; setting them right before each (synchronous) call keeps them ours.
    meyda.bufferSize = s.windowSize;
    meyda.sampleRate = s.sampleRate;
    meyda.windowingFunction = 'hanning';
    const f = meyda.extract(['amplitudeSpectrum', 'spectralCentroid', 'rms'], frame) ?? {};
    const amp = f.amplitudeSpectrum as Float32Array;
    const scaled = new Float32Array(amp.length);
    for (let k = 0; k < amp.length; k++) scaled[k] = amp[k]! * scale;
    spectra.push(scaled);
    const centroidBin = f.spectralCentroid as number;
    centroidHz.push(Number.isFinite(centroidBin) ? centroidBin * binHz : 0);
    const r = f.rms as number;
    rms.push(Number.isFinite(r) ? r : 0);
  }
  return { settings: s, spectra, centroidHz, rms };
}

/** Number of log-spaced bands of `band_energies`. */
export const BAND_COUNT = 8;
/** Lowest band edge, Hz. */
const BAND_LOW_HZ = 40;

/** One window's spectral features. */
export interface SpectralFrame {
  readonly time_seconds: number;
  readonly centroid_hz: number;
  readonly rolloff_hz: number;
  readonly flux: number;
  readonly rms: number;
  readonly band_energies: number[];
}

/** Per-window spectral features and their means. */
export interface SpectralSummary {
  readonly frames: SpectralFrame[];
  readonly centroidMeanHz: number;
  readonly rolloffMeanHz: number;
  readonly fluxMean: number;
  readonly bandEnergyMeans: number[];
}

/** Band edges in Hz: BAND_COUNT log-spaced bands from 40 Hz to Nyquist. */
export function bandEdges(sampleRate: number): number[] {
  const nyquist = sampleRate / 2;
  return Array.from({ length: BAND_COUNT + 1 }, (_, k) => BAND_LOW_HZ * (nyquist / BAND_LOW_HZ) ** (k / BAND_COUNT));
}

/**
 * Centroid (meyda), 85 % rolloff (of the power), flux (L2 norm of the change of the amplitude
 * spectrum from the previous window; 0 for the first) and the energy of 8 log-spaced bands.
 */
export function spectralFeatures(spec: Spectrogram): SpectralSummary {
  const s = spec.settings;
  const binHz = s.sampleRate / s.windowSize;
  const edges = bandEdges(s.sampleRate);
  const frames: SpectralFrame[] = [];
  const sums = { centroid: 0, rolloff: 0, flux: 0, bands: new Array<number>(BAND_COUNT).fill(0) };
  spec.spectra.forEach((amp, i) => {
    let total = 0;
    for (let k = 0; k < amp.length; k++) total += amp[k]! ** 2;
    let rolloffHz = 0;
    if (total > 0) {
      let acc = 0;
      for (let k = 0; k < amp.length; k++) {
        acc += amp[k]! ** 2;
        if (acc >= 0.85 * total) {
          rolloffHz = k * binHz;
          break;
        }
      }
    }
    let flux = 0;
    const prev = spec.spectra[i - 1];
    if (prev) {
      for (let k = 0; k < amp.length; k++) flux += (amp[k]! - prev[k]!) ** 2;
      flux = Math.sqrt(flux);
    }
    const bands = new Array<number>(BAND_COUNT).fill(0);
    for (let k = 1; k < amp.length; k++) {
      const hz = k * binHz;
      if (hz < edges[0]!) continue;
      let b = 0;
      while (b < BAND_COUNT - 1 && hz >= edges[b + 1]!) b++;
      bands[b]! += amp[k]! ** 2;
    }
    const frame: SpectralFrame = {
      time_seconds: frameTime(i, s),
      centroid_hz: spec.centroidHz[i] ?? 0,
      rolloff_hz: rolloffHz,
      flux,
      rms: spec.rms[i] ?? 0,
      band_energies: bands,
    };
    frames.push(frame);
    sums.centroid += frame.centroid_hz;
    sums.rolloff += rolloffHz;
    sums.flux += flux;
    bands.forEach((e, b) => (sums.bands[b]! += e));
  });
  const n = Math.max(1, frames.length);
  return {
    frames,
    centroidMeanHz: sums.centroid / n,
    rolloffMeanHz: sums.rolloff / n,
    fluxMean: sums.flux / n,
    bandEnergyMeans: sums.bands.map((e) => e / n),
  };
}

/**
 * The onset-strength envelope: half-wave rectified increase of the log-compressed spectrum from
 * one window to the next, summed over bins (0 for the first window).
 */
export function onsetStrength(spec: Spectrogram): Float32Array {
  const env = new Float32Array(spec.spectra.length);
  let prev: Float32Array | undefined;
  spec.spectra.forEach((amp, i) => {
    const log = new Float32Array(amp.length);
    for (let k = 0; k < amp.length; k++) log[k] = Math.log1p(100 * amp[k]!);
    if (prev) {
      let sum = 0;
      for (let k = 0; k < log.length; k++) {
        const d = log[k]! - prev[k]!;
        if (d > 0) sum += d;
      }
      env[i] = sum;
    }
    prev = log;
  });
  return env;
}

/** Tempo from the autocorrelation of the onset envelope. */
export interface TempoEstimate {
  readonly bpm: number;
  /** Normalised autocorrelation at the chosen period, 0 to 1. */
  readonly confidence: number;
}

const MIN_BPM = 40;
const MAX_BPM = 240;

/**
 * Tempo: the autocorrelation of the (mean-removed) onset envelope over the lags of 40-240 bpm,
 * weighted by a log-normal prior around 120 bpm (one octave wide) against octave errors; the peak
 * lag is refined by parabolic interpolation. Silence or a signal too short for two beats gives 0.
 */
export function estimateTempo(env: Float32Array, rate: number): TempoEstimate {
  const n = env.length;
  const minLag = Math.max(1, Math.floor((rate * 60) / MAX_BPM));
  const maxLag = Math.min(n - 2, Math.ceil((rate * 60) / MIN_BPM));
  if (n < 4 || maxLag <= minLag) return { bpm: 0, confidence: 0 };
  let mean = 0;
  for (const x of env) mean += x;
  mean /= n;
  const e = Float64Array.from(env, (x) => x - mean);
  let r0 = 0;
  for (const x of e) r0 += x * x;
  if (r0 <= 1e-12) return { bpm: 0, confidence: 0 };
  const r = new Float64Array(maxLag + 2);
  for (let lag = Math.max(1, minLag - 1); lag <= maxLag + 1 && lag < n; lag++) {
    let acc = 0;
    for (let t = 0; t + lag < n; t++) acc += e[t]! * e[t + lag]!;
    r[lag] = acc;
  }
  let best = -1;
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const bpm = (60 * rate) / lag;
    const prior = Math.exp(-0.5 * Math.log2(bpm / 120) ** 2);
    const score = r[lag]! * prior;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  if (best < 0 || r[best]! <= 0) return { bpm: 0, confidence: 0 };
  const at = (lag: number): number => {
    let acc = 0;
    for (let t = 0; t + lag < n; t++) acc += e[t]! * e[t + lag]!;
    return acc;
  };
  // Parabolic interpolation around the peak; then the same around the peak at k times the lag
  // (k = 4, 3, 2, the largest that fits in the first half of the signal), whose position divided by
  // k is k times finer than one window: at hop 512 and 16 kHz one lag step is ~1 % of 120 bpm.
  const refine = (peak: number): number => {
    const a = at(peak - 1);
    const b = at(peak);
    const c = at(peak + 1);
    const denom = a - 2 * b + c;
    return denom < 0 ? peak + Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : peak;
  };
  let lag = refine(best);
  for (const k of [4, 3, 2]) {
    const centre = Math.round(k * lag);
    if (centre + k + 1 >= n / 2) continue;
    let peak = centre;
    for (let l = centre - k; l <= centre + k; l++) if (at(l) > at(peak)) peak = l;
    const finer = refine(peak) / k;
    if (at(peak) > 0 && Math.abs(finer - lag) < 0.5) lag = finer;
    break;
  }
  return { bpm: (60 * rate) / lag, confidence: Math.max(0, Math.min(1, r[best]! / r0)) };
}

/**
 * Beat positions (window indices) by dynamic programming over the onset envelope (Ellis 2007):
 * each beat maximises onset strength plus the best previous beat, penalised by how far the gap
 * strays from the tempo's period; weak beats at the ends (silence) are trimmed.
 */
export function trackBeats(env: Float32Array, rate: number, bpm: number, tightness = 100): number[] {
  const n = env.length;
  if (!(bpm > 0) || n === 0) return [];
  const period = (60 * rate) / bpm;
  let mean = 0;
  for (const x of env) mean += x;
  mean /= n;
  let variance = 0;
  for (const x of env) variance += (x - mean) ** 2;
  const std = Math.sqrt(variance / n);
  if (std <= 1e-12) return [];
  const local = Float64Array.from(env, (x) => x / std);
  const score = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  const lo = Math.max(1, Math.round(period / 2));
  const hi = Math.max(lo, Math.round(2 * period));
  for (let t = 0; t < n; t++) {
    let best = -Infinity;
    let bi = -1;
    for (let tau = Math.max(0, t - hi); tau <= t - lo; tau++) {
      const v = score[tau]! - tightness * Math.log((t - tau) / period) ** 2;
      if (v > best) {
        best = v;
        bi = tau;
      }
    }
    score[t] = local[t]! + (bi >= 0 ? Math.max(0, best) : 0);
    back[t] = bi >= 0 && best > 0 ? bi : -1;
  }
  // The last beat: the last local maximum of the cumulative score that reaches half their median.
  const peaks: number[] = [];
  for (let t = 1; t < n - 1; t++) if (score[t]! > score[t - 1]! && score[t]! >= score[t + 1]!) peaks.push(t);
  if (n > 1 && score[n - 1]! > score[n - 2]!) peaks.push(n - 1);
  if (peaks.length === 0) return [];
  const sorted = peaks.map((t) => score[t]!).sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  let last = peaks[peaks.length - 1]!;
  for (let i = peaks.length - 1; i >= 0; i--) {
    if (score[peaks[i]!]! >= 0.5 * median) {
      last = peaks[i]!;
      break;
    }
  }
  const beats: number[] = [];
  for (let t = last; t >= 0; t = back[t]!) beats.unshift(t);
  // Trim beats in leading and trailing silence: onset strength below half the RMS over the beats.
  const rms = Math.sqrt(beats.reduce((acc, t) => acc + local[t]! ** 2, 0) / beats.length);
  while (beats.length > 0 && local[beats[0]!]! < 0.5 * rms) beats.shift();
  while (beats.length > 0 && local[beats[beats.length - 1]!]! < 0.5 * rms) beats.pop();
  return beats;
}

/**
 * Onsets (window indices): peaks of the normalised onset envelope that are the maximum within
 * +-30 ms, exceed the mean within +-100 ms by 0.07, and come at least 30 ms after the previous one.
 */
export function pickOnsets(env: Float32Array, rate: number): number[] {
  const n = env.length;
  let max = 0;
  for (const x of env) max = Math.max(max, x);
  if (max <= 0) return [];
  const x = Float64Array.from(env, (v) => v / max);
  const span = Math.max(1, Math.round(0.03 * rate));
  const avg = Math.max(1, Math.round(0.1 * rate));
  const delta = 0.07;
  const onsets: number[] = [];
  let last = -Infinity;
  for (let t = 0; t < n; t++) {
    const v = x[t]!;
    if (v <= 0) continue;
    let isMax = true;
    for (let u = Math.max(0, t - span); u <= Math.min(n - 1, t + span); u++) {
      if (x[u]! > v) {
        isMax = false;
        break;
      }
    }
    if (!isMax) continue;
    let sum = 0;
    const from = Math.max(0, t - avg);
    const to = Math.min(n - 1, t + avg);
    for (let u = from; u <= to; u++) sum += x[u]!;
    if (v < sum / (to - from + 1) + delta) continue;
    if (t - last < span) continue;
    onsets.push(t);
    last = t;
  }
  return onsets;
}

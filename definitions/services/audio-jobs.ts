/**
 * The heavy half of the audio tasks, run in the audio thread ({@link ./audio-thread.ts}) so the
 * worker's event loop keeps polling, heart-beating and answering /health while a sample is
 * decoded or analysed. Each job takes and returns plain data (typed arrays are transferred).
 */
import { assertFrameBudget, assertSettings, estimateTempo, frameRate, onsetStrength, pickOnsets, round, spectralFeatures, spectrogram, trackBeats, type AnalysisSettings, type SpectralSummary } from './audio.ts';
import { resample } from './resample.ts';
import { decodeWav } from './wav.ts';

/** A WAV decoded, mixed to mono and resampled. */
export interface DecodedSample {
  readonly pcm: Float32Array;
  readonly sourceSampleRate: number;
  readonly sourceSamples: number;
}

/** Decodes a WAV file (within AUDIO_BOUNDS) to mono PCM at `sampleRate` Hz. */
export async function decode(bytes: Uint8Array, sampleRate: number): Promise<DecodedSample> {
  const wav = decodeWav(bytes);
  return { pcm: await resample(wav.samples, wav.sampleRate, sampleRate), sourceSampleRate: wav.sampleRate, sourceSamples: wav.samples.length };
}

const checked = (pcm: Float32Array, s: AnalysisSettings): void => {
  assertSettings(s);
  assertFrameBudget(pcm.length, s);
};

/** The spectral features file (its JSON text, rendered here so the event loop never holds the frames) and the means. */
export interface SpectralFeatures extends Omit<SpectralSummary, 'frames'> {
  readonly frameCount: number;
  /** `{ sample_rate, window_size, hop_size, window: 'hann', frames: [...] }`, figures rounded. */
  readonly file: string;
}

/** Per-window spectral features, as the features file, and their means. */
export function spectral(pcm: Float32Array, s: AnalysisSettings): SpectralFeatures {
  checked(pcm, s);
  const { frames, ...means } = spectralFeatures(spectrogram(pcm, s));
  const rounded = frames.map((f) => ({
    time_seconds: round(f.time_seconds),
    centroid_hz: round(f.centroid_hz, 2),
    rolloff_hz: round(f.rolloff_hz, 2),
    flux: round(f.flux, 6),
    rms: round(f.rms, 6),
    band_energies: f.band_energies.map((e) => round(e, 6)),
  }));
  const file = `${JSON.stringify({ sample_rate: s.sampleRate, window_size: s.windowSize, hop_size: s.hopSize, window: 'hann', frames: rounded }, null, 2)}\n`;
  return { ...means, frameCount: frames.length, file };
}

/** Tempo and beat positions (window indices). */
export function beat(pcm: Float32Array, s: AnalysisSettings): { bpm: number; confidence: number; beats: number[] } {
  checked(pcm, s);
  const env = onsetStrength(spectrogram(pcm, s));
  const rate = frameRate(s);
  const tempo = estimateTempo(env, rate);
  return { ...tempo, beats: trackBeats(env, rate, tempo.bpm) };
}

/** Onset positions (window indices). */
export function onsets(pcm: Float32Array, s: AnalysisSettings): number[] {
  checked(pcm, s);
  return pickOnsets(onsetStrength(spectrogram(pcm, s)), frameRate(s));
}

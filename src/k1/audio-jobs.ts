/**
 * The heavy half of the audio tasks, run in the audio thread ({@link ./audio-thread.ts}) so the
 * worker's event loop keeps polling, heart-beating and answering /health while a sample is
 * decoded or analysed. Each job takes and returns plain data (typed arrays are transferred).
 */
import { assertFrameBudget, assertSettings, estimateTempo, frameRate, onsetStrength, pickOnsets, spectralFeatures, spectrogram, trackBeats, type AnalysisSettings, type SpectralSummary } from './audio.ts';
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

/** Per-window spectral features and their means. */
export function spectral(pcm: Float32Array, s: AnalysisSettings): SpectralSummary {
  checked(pcm, s);
  return spectralFeatures(spectrogram(pcm, s));
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

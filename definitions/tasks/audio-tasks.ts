import { z } from 'zod';
import { defineTask } from '../project.ts';

/** Audio sample rates the analysis supports, in Hz. */
export const sampleRate = z.number().int().min(8000).max(96000).describe('Sample rate, Hz');

/** Analysis window length in samples: a power of two, as the FFT needs. */
export const windowSize = z
  .union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096), z.literal(8192)])
  .describe('Analysis (FFT) window length in samples: a power of two from 256 to 8192');

/** Hop between analysis windows, in samples. */
export const hopSize = z.number().int().min(1).describe('Hop between the starts of two analysis windows, in samples (at most the window length)');

/** What every analysis task reads: the decoded PCM and the analysis window. */
const analysisInput = z.object({
  pcm_path: z.string().min(1).describe('Decoded mono 32-bit float PCM file'),
  sample_rate: sampleRate,
  window_size: windowSize,
  hop_size: hopSize,
});

/** Retry and timeout settings of the audio tasks: one retry, a short fixed delay. */
const ONE_RETRY = { retryCount: 1, retryLogic: 'FIXED', retryDelaySeconds: 5 } as const;

/** Fetches an audio sample into the worker's scratch space. */
export const fetchAudioSample = defineTask({
  name: 'fetch_audio_sample',
  description: 'Copies an audio sample (artifact store path, file path or http(s) URL) to the worker scratch space and checks it is a WAV file, the one format decode_and_resample reads (FLAC and MP3 are refused: convert them to WAV first).',
  input: z.object({
    sample_location: z.string().min(1).describe('Where the sample is: an artifact store path, a file path or an http(s) URL'),
  }),
  output: z.object({
    local_path: z.string().describe('Path of the fetched file'),
    format: z.enum(['wav', 'flac', 'mp3']).describe('Container format of the sample'),
    size_bytes: z.number().int().nonnegative().describe('File size'),
    sha256: z.string().describe('sha256 of the file, hex'),
  }),
  ...ONE_RETRY,
  timeoutSeconds: 120,
  responseTimeoutSeconds: 120,
});

/** Decodes a sample to mono float PCM at the analysis sample rate. */
export const decodeAndResample = defineTask({
  name: 'decode_and_resample',
  description: 'Decodes the sample, mixes it down to mono and resamples it to the analysis rate, as 32-bit float PCM.',
  input: z.object({
    local_path: z.string().min(1).describe('The fetched sample'),
    sample_rate: sampleRate.describe('Rate to resample to, Hz'),
  }),
  output: z.object({
    pcm_path: z.string().describe('Decoded mono 32-bit float PCM file'),
    sample_rate: sampleRate.describe('Rate of the PCM, Hz'),
    source_sample_rate: sampleRate.describe('Rate of the original sample, Hz'),
    duration_seconds: z.number().nonnegative().describe('Length of the sample, seconds'),
    sample_count: z.number().int().nonnegative().describe('Samples in the PCM file'),
  }),
  ...ONE_RETRY,
  timeoutSeconds: 120,
  responseTimeoutSeconds: 120,
});

/** Frame-by-frame spectral features. */
export const extractSpectralFeatures = defineTask({
  name: 'extract_spectral_features',
  description: 'Computes spectral features per window (Hann window, FFT): centroid, rolloff (85 %), flux and the energy of 8 log-spaced bands; writes them per frame and reports their means.',
  input: analysisInput,
  output: z.object({
    features_path: z.string().describe('Per-frame spectral features, JSON'),
    frame_count: z.number().int().nonnegative().describe('Windows analysed'),
    spectral_centroid_mean_hz: z.number().nonnegative().describe('Mean spectral centroid, Hz'),
    spectral_rolloff_mean_hz: z.number().nonnegative().describe('Mean 85 % rolloff frequency, Hz'),
    spectral_flux_mean: z.number().nonnegative().describe('Mean spectral flux between consecutive windows'),
    band_energy_means: z.array(z.number().nonnegative()).length(8).describe('Mean energy of each of 8 log-spaced bands, low to high'),
  }),
  ...ONE_RETRY,
  timeoutSeconds: 180,
  responseTimeoutSeconds: 180,
});

/** Beat positions and tempo. */
export const detectBeatTempo = defineTask({
  name: 'detect_beat_tempo',
  description: 'Tracks beats over the onset-strength envelope and estimates the tempo.',
  input: analysisInput,
  output: z.object({
    tempo_bpm: z.number().nonnegative().describe('Estimated tempo, beats per minute'),
    tempo_confidence: z.number().min(0).max(1).describe('Confidence of the tempo estimate, 0 to 1'),
    beat_times_seconds: z.array(z.number().nonnegative()).describe('Time of each beat, seconds from the start'),
  }),
  ...ONE_RETRY,
  timeoutSeconds: 180,
  responseTimeoutSeconds: 180,
});

/** Note and transient onsets. */
export const detectOnsets = defineTask({
  name: 'detect_onsets',
  description: 'Detects onsets (peaks of the spectral-flux onset function).',
  input: analysisInput,
  output: z.object({
    onset_count: z.number().int().nonnegative().describe('Onsets found'),
    onset_times_seconds: z.array(z.number().nonnegative()).describe('Time of each onset, seconds from the start'),
    onset_rate_per_second: z.number().nonnegative().describe('Onsets per second over the sample'),
  }),
  ...ONE_RETRY,
  timeoutSeconds: 180,
  responseTimeoutSeconds: 180,
});

/** Merges the three analyses into one feature file. */
export const aggregateFeatures = defineTask({
  name: 'aggregate_features',
  description: 'Merges the spectral, beat/tempo and onset analyses with the sample and analysis settings into one features JSON file, ready for the artifact store.',
  input: z.object({
    sample_sha256: z.string().min(1).describe('sha256 of the analysed sample'),
    sample_location: z.string().min(1).describe('Where the sample came from'),
    duration_seconds: z.number().nonnegative().describe('Length of the sample, seconds'),
    sample_rate: sampleRate.describe('Analysis sample rate, Hz'),
    window_size: windowSize,
    hop_size: hopSize,
    spectral: extractSpectralFeatures.output.describe('Spectral features'),
    beat: detectBeatTempo.output.describe('Beats and tempo'),
    onsets: detectOnsets.output.describe('Onsets'),
  }),
  output: z.object({
    features_path: z.string().describe('The merged features, JSON'),
    summary: z.string().describe('One line summary, e.g. "124.0 bpm, 312 onsets, centroid 1.9 kHz"'),
  }),
  ...ONE_RETRY,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
});

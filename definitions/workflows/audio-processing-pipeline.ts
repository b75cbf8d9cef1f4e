import { z } from 'zod';
import { workflow } from '../project.ts';
import { storeArtifact } from '../tasks/artifact-tasks.ts';
import {
  aggregateFeatures,
  decodeAndResample,
  detectBeatTempo,
  detectOnsets,
  extractSpectralFeatures,
  fetchAudioSample,
  hopSize,
  sampleRate,
  windowSize,
} from '../tasks/audio-tasks.ts';

/** Extracts spectral, beat/tempo and onset features from one audio sample and stores them. */
export const audioProcessingPipeline = workflow(
  {
    name: 'audio-processing-pipeline',
    version: 1,
    description:
      'Extracts audio features from one sample for pattern design: fetch_audio_sample copies it to the worker, decode_and_resample makes mono float PCM at sample_rate, then three analyses run in parallel over the same windows (window_size samples, hop_size apart): spectral features, beat and tempo, onsets. aggregate_features merges them into one JSON file and store_artifact keeps it under features, versioned "<sample sha256>-sr<rate>-w<window>-h<hop>" so the same sample analysed with the same settings lands on the same version. Choices: sample_rate defaults to 16000 Hz (set it to the device\'s audio rate so offline features match on-device analysis), window 1024 and hop 512 samples; every new task retries once (FIXED, 5 s); store_artifact keeps its shared contract\'s 2 retries.',
    input: z.object({
      sample_location: z.string().min(1).describe('Where the sample is: an artifact store path, a file path or an http(s) URL'),
      sample_rate: sampleRate.default(16000).describe('Analysis sample rate, Hz: the sample is resampled to it'),
      window_size: windowSize.default(1024),
      hop_size: hopSize.default(512),
    }),
    output: z.object({
      features_artifact_id: z.string().describe('Artifact id of the stored features file'),
      features_url: z.string().describe('Where the stored features can be fetched'),
      duration_seconds: z.number().describe('Length of the sample, seconds'),
      tempo_bpm: z.number().describe('Estimated tempo, beats per minute'),
      onset_count: z.number().describe('Onsets found'),
      spectral_centroid_mean_hz: z.number().describe('Mean spectral centroid, Hz'),
      summary: z.string().describe('One line summary of the features'),
    }),
    timeoutSeconds: 1800,
    example: { sample_location: 'house-124bpm.wav', sample_rate: 16000 },
  },
  (f) =>
    f
      .task(fetchAudioSample, (s) => ({ sample_location: s.input.sample_location }))
      .task(decodeAndResample, (s) => ({ local_path: s.fetch_audio_sample.output.local_path, sample_rate: s.input.sample_rate }))
      .fork('feature_extraction', [
        (b) =>
          b.task(extractSpectralFeatures, (s) => ({
            pcm_path: s.decode_and_resample.output.pcm_path,
            sample_rate: s.decode_and_resample.output.sample_rate,
            window_size: s.input.window_size,
            hop_size: s.input.hop_size,
          })),
        (b) =>
          b.task(detectBeatTempo, (s) => ({
            pcm_path: s.decode_and_resample.output.pcm_path,
            sample_rate: s.decode_and_resample.output.sample_rate,
            window_size: s.input.window_size,
            hop_size: s.input.hop_size,
          })),
        (b) =>
          b.task(detectOnsets, (s) => ({
            pcm_path: s.decode_and_resample.output.pcm_path,
            sample_rate: s.decode_and_resample.output.sample_rate,
            window_size: s.input.window_size,
            hop_size: s.input.hop_size,
          })),
      ])
      .task(aggregateFeatures, (s) => ({
        sample_sha256: s.fetch_audio_sample.output.sha256,
        sample_location: s.input.sample_location,
        duration_seconds: s.decode_and_resample.output.duration_seconds,
        sample_rate: s.decode_and_resample.output.sample_rate,
        window_size: s.input.window_size,
        hop_size: s.input.hop_size,
        spectral: s.feature_extraction_join.output.extract_spectral_features,
        beat: s.feature_extraction_join.output.detect_beat_tempo,
        onsets: s.feature_extraction_join.output.detect_onsets,
      }))
      .task('store_features', storeArtifact, (s) => ({
        source_path: s.aggregate_features.output.features_path,
        category: 'features',
        version: `${s.fetch_audio_sample.output.sha256}-sr${s.decode_and_resample.output.sample_rate}-w${s.input.window_size}-h${s.input.hop_size}`,
      }))
      .output((s) => ({
        features_artifact_id: s.store_features.output.artifact_id,
        features_url: s.store_features.output.artifact_url,
        duration_seconds: s.decode_and_resample.output.duration_seconds,
        tempo_bpm: s.detect_beat_tempo.output.tempo_bpm,
        onset_count: s.detect_onsets.output.onset_count,
        spectral_centroid_mean_hz: s.extract_spectral_features.output.spectral_centroid_mean_hz,
        summary: s.aggregate_features.output.summary,
      })),
);

/**
 * audio-processing-pipeline, run end to end from its generated JSON through the local runner.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGenerated, run, type Registry, type TaskMocks } from '../../src/testing.ts';
import {
  SAMPLE_LOCATION,
  SAMPLE_SHA,
  attemptOffsets,
  beatTracked,
  decoded,
  failedAttempt,
  failedAttempts,
  featuresAggregated,
  onsetsDetected,
  sampleFetched,
  spectralExtracted,
  stored,
} from './k1-fixtures.ts';

let registry: Registry;
beforeAll(async () => {
  registry = await loadGenerated();
});

const FEATURES_ID = 'e1d2c3b4a5968778695a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2';

const audioMocks = (over: TaskMocks = {}): TaskMocks => ({
  fetch_audio_sample: [sampleFetched()],
  decode_and_resample: [decoded()],
  extract_spectral_features: [spectralExtracted()],
  detect_beat_tempo: [beatTracked()],
  detect_onsets: [onsetsDetected()],
  aggregate_features: [featuresAggregated()],
  store_features: [stored({ artifact_id: FEATURES_ID })],
  ...over,
});

const FEATURES = ['extract_spectral_features', 'detect_beat_tempo', 'detect_onsets'];

describe('audio-processing-pipeline (generated JSON, local runner)', () => {
  it('happy path: fetch, decode, three analyses in parallel, join, aggregate, store: COMPLETED', async () => {
    const result = await run('audio-processing-pipeline', { sample_location: SAMPLE_LOCATION }, { registry, mocks: audioMocks() });

    expect(result.status).toBe('COMPLETED');
    // The fork is laid out with the first task of each branch, then its JOIN (Conductor's mapper order).
    expect(result.taskRefs).toEqual(['fetch_audio_sample', 'decode_and_resample', 'feature_extraction', ...FEATURES, 'feature_extraction_join', 'aggregate_features', 'store_features']);
    expect(result.task('feature_extraction')?.taskType).toBe('FORK');
    expect(result.task('feature_extraction_join')?.inputData).toMatchObject({ joinOn: FEATURES });
    expect(result.task('feature_extraction_join')?.outputData).toEqual({
      extract_spectral_features: spectralExtracted().output,
      detect_beat_tempo: beatTracked().output,
      detect_onsets: onsetsDetected().output,
    });
    expect(result.output).toEqual({
      features_artifact_id: FEATURES_ID,
      features_url: `https://artifacts.k1.reinvented/firmware/${FEATURES_ID}`,
      duration_seconds: 30,
      tempo_bpm: 124,
      onset_count: 312,
      spectral_centroid_mean_hz: 1894.5,
      summary: '124.0 bpm, 312 onsets, centroid 1.9 kHz',
    });
  });

  it('the analyses share the decoded PCM and windows; aggregate gets each analysis from the JOIN; the version names the settings', async () => {
    const result = await run('audio-processing-pipeline', { sample_location: SAMPLE_LOCATION }, { registry, mocks: audioMocks() });
    const pcm = decoded().output.pcm_path;

    expect(result.task('fetch_audio_sample')?.inputData).toEqual({ sample_location: SAMPLE_LOCATION });
    expect(result.task('decode_and_resample')?.inputData).toEqual({ local_path: sampleFetched().output.local_path, sample_rate: 16_000 });
    for (const ref of FEATURES) expect(result.task(ref)?.inputData).toEqual({ pcm_path: pcm, sample_rate: 16_000, window_size: 1024, hop_size: 512 });
    expect(result.task('aggregate_features')?.inputData).toEqual({
      sample_sha256: SAMPLE_SHA,
      sample_location: SAMPLE_LOCATION,
      duration_seconds: 30,
      sample_rate: 16_000,
      window_size: 1024,
      hop_size: 512,
      spectral: spectralExtracted().output,
      beat: beatTracked().output,
      onsets: onsetsDetected().output,
    });
    expect(result.task('store_features')?.inputData).toEqual({
      source_path: featuresAggregated().output.features_path,
      category: 'features',
      version: `${SAMPLE_SHA}-sr16000-w1024-h512`,
    });
  });

  it('analysis settings from the input reach every analysis and the version', async () => {
    const result = await run('audio-processing-pipeline', { sample_location: SAMPLE_LOCATION, sample_rate: 44_100, window_size: 2048, hop_size: 256 }, {
      registry,
      mocks: audioMocks({ decode_and_resample: [decoded(44_100)] }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.task('decode_and_resample')?.inputData).toMatchObject({ sample_rate: 44_100 });
    expect(result.task('detect_onsets')?.inputData).toMatchObject({ sample_rate: 44_100, window_size: 2048, hop_size: 256 });
    expect(result.task('store_features')?.inputData).toMatchObject({ version: `${SAMPLE_SHA}-sr44100-w2048-h256` });
  });

  it('a feature task that fails once is retried after 5 s (FIXED); the JOIN waits for the retry; COMPLETED', async () => {
    const result = await run('audio-processing-pipeline', { sample_location: SAMPLE_LOCATION }, {
      registry,
      mocks: audioMocks({ detect_beat_tempo: [failedAttempt(), beatTracked()] }),
    });

    expect(result.status).toBe('COMPLETED');
    expect(result.attempts('detect_beat_tempo').map((t) => [t.status, t.retryCount])).toEqual([
      ['FAILED', 0],
      ['COMPLETED', 1],
    ]);
    expect(attemptOffsets(result, 'detect_beat_tempo')).toEqual([0, 5_000]);
    // The retry is appended after the JOIN was laid out; aggregation only starts once it is done.
    expect(result.taskRefs).toEqual([
      'fetch_audio_sample',
      'decode_and_resample',
      'feature_extraction',
      ...FEATURES,
      'feature_extraction_join',
      'detect_beat_tempo',
      'aggregate_features',
      'store_features',
    ]);
    const join = result.task('feature_extraction_join');
    expect(join?.status).toBe('COMPLETED');
    expect((join?.endTime ?? 0) - (join?.startTime ?? 0)).toBe(5_000);
    expect(result.task('aggregate_features')?.inputData).toMatchObject({ beat: beatTracked().output });
    expect(result.output).toMatchObject({ tempo_bpm: 124 });
  });

  it('a feature task that fails twice (retries exhausted) fails the run; the JOIN is CANCELED, nothing is aggregated', async () => {
    const result = await run('audio-processing-pipeline', { sample_location: SAMPLE_LOCATION }, {
      registry,
      mocks: audioMocks({ detect_onsets: failedAttempts(2) }),
    });

    expect(result.status).toBe('FAILED');
    expect(result.attempts('detect_onsets').map((t) => t.status)).toEqual(['FAILED', 'FAILED']);
    expect(result.reasonForIncompletion).toMatch(new RegExp(`^Task ${result.task('detect_onsets')?.taskId} failed with status: FAILED`));
    expect(result.task('feature_extraction_join')?.status).toBe('CANCELED');
    expect(result.task('extract_spectral_features')?.status).toBe('COMPLETED');
    expect(result.task('aggregate_features')).toBeUndefined();
  });
});

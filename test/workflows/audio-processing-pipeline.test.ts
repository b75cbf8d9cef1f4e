import { describe, expect, it } from 'vitest';
import { audioProcessingPipeline, workflows } from '../../definitions/index.ts';
import { allTasks, isFresh, outline, readTaskDef, readWorkflow, retrySettings, task } from './helpers.ts';

const def = readWorkflow('audio-processing-pipeline');

const ANALYSIS_INPUT = {
  pcm_path: '${decode_and_resample.output.pcm_path}',
  sample_rate: '${decode_and_resample.output.sample_rate}',
  window_size: '${workflow.input.window_size}',
  hop_size: '${workflow.input.hop_size}',
};

describe('audio-processing-pipeline v1 (generated JSON)', () => {
  it('is what the definition compiles to (gen is up to date), and is listed with the workflows', () => {
    expect(isFresh(audioProcessingPipeline)).toBe(true);
    expect(workflows).toContain(audioProcessingPipeline);
  });

  it('fetches, decodes, analyses in parallel, aggregates and stores, in this order', () => {
    expect(outline(def.tasks)).toEqual([
      'fetch_audio_sample:SIMPLE',
      'decode_and_resample:SIMPLE',
      'feature_extraction:FORK_JOIN',
      'feature_extraction_join:JOIN',
      'aggregate_features:SIMPLE',
      'store_features:SIMPLE',
    ]);
    expect(task(def, 'store_features').name).toBe('store_artifact');
  });

  it('forks spectral, beat/tempo and onset analysis over the same PCM and windows, and joins all three', () => {
    const fork = task(def, 'feature_extraction');
    expect(fork.forkTasks?.map(outline)).toEqual([['extract_spectral_features:SIMPLE'], ['detect_beat_tempo:SIMPLE'], ['detect_onsets:SIMPLE']]);
    for (const ref of ['extract_spectral_features', 'detect_beat_tempo', 'detect_onsets']) expect(task(def, ref).inputParameters).toEqual(ANALYSIS_INPUT);
    expect(task(def, 'feature_extraction_join').joinOn).toEqual(['extract_spectral_features', 'detect_beat_tempo', 'detect_onsets']);
    expect(task(def, 'aggregate_features').inputParameters).toMatchObject({
      spectral: '${feature_extraction_join.output.extract_spectral_features}',
      beat: '${feature_extraction_join.output.detect_beat_tempo}',
      onsets: '${feature_extraction_join.output.detect_onsets}',
    });
  });

  it('has 7 worker tasks', () => {
    expect(allTasks(def.tasks).filter((t) => t.type === 'SIMPLE').map((t) => t.name)).toEqual([
      'fetch_audio_sample',
      'decode_and_resample',
      'extract_spectral_features',
      'detect_beat_tempo',
      'detect_onsets',
      'aggregate_features',
      'store_artifact',
    ]);
  });

  it('stores the features under features, versioned by sample, rate and window', () => {
    expect(task(def, 'store_features').inputParameters).toEqual({
      source_path: '${aggregate_features.output.features_path}',
      category: 'features',
      version: '${fetch_audio_sample.output.sha256}-sr${decode_and_resample.output.sample_rate}-w${workflow.input.window_size}-h${workflow.input.hop_size}',
    });
    expect(task(def, 'decode_and_resample').inputParameters).toEqual({
      local_path: '${fetch_audio_sample.output.local_path}',
      sample_rate: '${workflow.input.sample_rate}',
    });
  });

  it('retries each new task once (FIXED, 5 s); the shared store_artifact keeps its 2 retries', () => {
    const timeouts: Record<string, number> = {
      fetch_audio_sample: 120,
      decode_and_resample: 120,
      extract_spectral_features: 180,
      detect_beat_tempo: 180,
      detect_onsets: 180,
      aggregate_features: 60,
    };
    for (const [name, seconds] of Object.entries(timeouts)) {
      expect(retrySettings(readTaskDef(name)), name).toEqual({
        retryCount: 1,
        retryLogic: 'FIXED',
        retryDelaySeconds: 5,
        timeoutSeconds: seconds,
        responseTimeoutSeconds: seconds,
      });
    }
    expect(readTaskDef('store_artifact').retryCount).toBe(2);
  });

  it('defaults: 16 kHz, 1024-sample windows 512 apart; 30 min timeout', () => {
    expect(def.inputParameters).toEqual(['sample_location', 'sample_rate', 'window_size', 'hop_size']);
    expect(def.inputTemplate).toEqual({ sample_rate: 16000, window_size: 1024, hop_size: 512 });
    expect(def.timeoutSeconds).toBe(1800);
    expect(def.failureWorkflow).toBeUndefined();
    // The FFT window is a power of two, and the JSON Schema says which.
    const props = (readTaskDef('detect_onsets').inputSchema?.data as { properties: Record<string, unknown> }).properties;
    expect(props.window_size).toMatchObject({ type: 'number', enum: [256, 512, 1024, 2048, 4096, 8192] });
  });

  it('outputs the stored features and the headline figures', () => {
    expect(def.outputParameters).toEqual({
      features_artifact_id: '${store_features.output.artifact_id}',
      features_url: '${store_features.output.artifact_url}',
      duration_seconds: '${decode_and_resample.output.duration_seconds}',
      tempo_bpm: '${detect_beat_tempo.output.tempo_bpm}',
      onset_count: '${detect_onsets.output.onset_count}',
      spectral_centroid_mean_hz: '${extract_spectral_features.output.spectral_centroid_mean_hz}',
      summary: '${aggregate_features.output.summary}',
    });
  });
});

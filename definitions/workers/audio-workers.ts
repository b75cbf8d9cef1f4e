import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { TerminalError, type WorkerOptions } from '../../src/worker/create-worker.ts';
import { aggregateFeatures, decodeAndResample, detectBeatTempo, detectOnsets, extractSpectralFeatures, fetchAudioSample } from '../tasks/audio-tasks.ts';
import { k1Worker } from './k1-worker.ts';
import type { K1Services } from './services.ts';

const request = (input: { pcm_path: string; sample_rate: number; window_size: number; hop_size: number }) => ({
  pcmPath: input.pcm_path,
  sampleRate: input.sample_rate,
  windowSize: input.window_size,
  hopSize: input.hop_size,
});

/** "1.9 kHz" or "850 Hz". */
const hz = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(1)} kHz` : `${Math.round(x)} Hz`);

/** The workers of the audio analysis tasks. */
export function audioWorkers(services: K1Services, options?: WorkerOptions): ConductorWorker[] {
  const { audio } = services;
  return [
    k1Worker(fetchAudioSample, (input, ctx) => audio.fetchSample(input.sample_location, ctx.signal), options),

    k1Worker(decodeAndResample, (input) => audio.decode(input.local_path, input.sample_rate), options),

    k1Worker(
      extractSpectralFeatures,
      async (input) => {
        const s = await audio.spectral(request(input));
        return {
          features_path: s.featuresPath,
          frame_count: s.frameCount,
          spectral_centroid_mean_hz: s.centroidMeanHz,
          spectral_rolloff_mean_hz: s.rolloffMeanHz,
          spectral_flux_mean: s.fluxMean,
          band_energy_means: s.bandEnergyMeans,
        };
      },
      options,
    ),

    k1Worker(
      detectBeatTempo,
      async (input) => {
        const b = await audio.beat(request(input));
        return { tempo_bpm: b.bpm, tempo_confidence: b.confidence, beat_times_seconds: b.beatTimes };
      },
      options,
    ),

    k1Worker(
      detectOnsets,
      async (input) => {
        const o = await audio.onsets(request(input));
        return { onset_count: o.onsetTimes.length, onset_times_seconds: o.onsetTimes, onset_rate_per_second: o.ratePerSecond };
      },
      options,
    ),

    k1Worker(
      aggregateFeatures,
      async (input) => {
        if (!/^[0-9a-f]{16,64}$/i.test(input.sample_sha256)) throw new TerminalError(`sample_sha256 ${JSON.stringify(input.sample_sha256)} is not a sha256 hex digest`);
        // No timestamp in the file: the same sample analysed the same way gives the same bytes, so the same artifact id.
        const merged = {
          kind: 'k1-audio-features',
          sample: { sha256: input.sample_sha256, location: input.sample_location, duration_seconds: input.duration_seconds },
          analysis: { sample_rate: input.sample_rate, window_size: input.window_size, hop_size: input.hop_size, window: 'hann' },
          spectral: input.spectral,
          beat: input.beat,
          onsets: input.onsets,
        };
        const name = `features-${input.sample_sha256.toLowerCase()}-sr${input.sample_rate}-w${input.window_size}-h${input.hop_size}.json`;
        const path = await audio.writeJson(name, merged);
        return {
          features_path: path,
          summary: `${input.beat.tempo_bpm.toFixed(1)} bpm, ${input.onsets.onset_count} onsets, centroid ${hz(input.spectral.spectral_centroid_mean_hz)}`,
        };
      },
      options,
    ),
  ];
}

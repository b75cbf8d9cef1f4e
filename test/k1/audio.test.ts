/** WAV decoding, resampling and the analyses, on signals made here (sines, a click track). */
import { describe, expect, it } from 'vitest';
import { bandEdges, estimateTempo, frameRate, frameTime, onsetStrength, pickOnsets, spectralFeatures, spectrogram, trackBeats, type AnalysisSettings } from '../../definitions/services/audio.ts';
import { resample } from '../../definitions/services/resample.ts';
import { decodeWav, encodeWav, WavFormatError } from '../../definitions/services/wav.ts';

const sine = (hz: number, rate: number, seconds: number, amplitude = 0.5): Float32Array =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

/** Clicks (10 ms bursts of deterministic noise, decaying) every 60/bpm s, starting at `offset` s. */
function clickTrack(bpm: number, rate: number, seconds: number, offset = 0.25): { pcm: Float32Array; clicks: number[] } {
  const pcm = new Float32Array(Math.round(rate * seconds));
  const clicks: number[] = [];
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x3fffffff - 1;
  };
  for (let t = offset; t < seconds - 0.05; t += 60 / bpm) {
    clicks.push(t);
    const start = Math.round(t * rate);
    for (let i = 0; i < rate * 0.01; i++) pcm[start + i] = 0.8 * noise() * Math.exp(-i / (rate * 0.002));
  }
  return { pcm, clicks };
}

const rms = (x: Float32Array, from = 0, to = x.length): number => Math.sqrt(x.subarray(from, to).reduce((a, v) => a + v * v, 0) / (to - from));

describe('decodeWav', () => {
  it('mixes 16-bit stereo down to mono', () => {
    const interleaved = Float32Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.5 : 0.25));
    const wav = decodeWav(encodeWav(interleaved, 44100, { channels: 2 }));
    expect(wav).toMatchObject({ sampleRate: 44100, channels: 2, bitsPerSample: 16, encoding: 'pcm' });
    expect(wav.samples.length).toBe(100);
    expect(wav.samples[0]).toBeCloseTo(0.375, 3);
  });

  it('reads 32-bit float', () => {
    const wav = decodeWav(encodeWav(Float32Array.from([0, 0.5, -0.25, 1]), 16000, { encoding: 'float32' }));
    expect(wav.encoding).toBe('float');
    expect(Array.from(wav.samples)).toEqual([0, 0.5, -0.25, 1]);
  });

  it('reads 24-bit PCM, skips other chunks and honours the pad byte of odd-sized ones', () => {
    const samples = [0x400000, -0x400000, 0x7fffff];
    const data = Buffer.alloc(samples.length * 3);
    samples.forEach((s, i) => data.writeIntLE(s, i * 3, 3));
    const fmt = Buffer.alloc(16);
    fmt.writeUInt16LE(1, 0);
    fmt.writeUInt16LE(1, 2);
    fmt.writeUInt32LE(8000, 4);
    fmt.writeUInt32LE(24000, 8);
    fmt.writeUInt16LE(3, 12);
    fmt.writeUInt16LE(24, 14);
    const chunk = (id: string, body: Buffer): Buffer => {
      const head = Buffer.alloc(8);
      head.write(id, 0, 'ascii');
      head.writeUInt32LE(body.length, 4);
      return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
    };
    const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('LIST', Buffer.from('INFOx')), chunk('data', data)]);
    const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), body]);
    riff.writeUInt32LE(body.length, 4);
    const wav = decodeWav(riff);
    expect(wav.bitsPerSample).toBe(24);
    expect(Array.from(wav.samples).map((x) => Number(x.toFixed(4)))).toEqual([0.5, -0.5, 1]);
  });

  it('says what is wrong with a file it cannot read', () => {
    expect(() => decodeWav(new TextEncoder().encode('ID3 not a wav at all'))).toThrow(WavFormatError);
    expect(() => decodeWav(new TextEncoder().encode('ID3 not a wav at all'))).toThrow('not a RIFF/WAVE file');
    const noData = encodeWav(new Float32Array(4), 8000).subarray(0, 36);
    expect(() => decodeWav(noData)).toThrow('no data chunk');
    const adpcm = encodeWav(new Float32Array(4), 8000);
    new DataView(adpcm.buffer).setUint16(20, 2, true);
    expect(() => decodeWav(adpcm)).toThrow('unsupported encoding: format tag 0x2 with 16 bits per sample');
  });
});

describe('resample', () => {
  it('keeps a tone in band at its frequency and level', async () => {
    const out = await resample(sine(440, 44100, 1), 44100, 16000);
    expect(out.length).toBe(16000);
    expect(rms(out, 1000, 15000)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    const spec = spectralFeatures(spectrogram(out, { sampleRate: 16000, windowSize: 4096, hopSize: 2048 }));
    expect(spec.centroidMeanHz).toBeGreaterThan(420);
    expect(spec.centroidMeanHz).toBeLessThan(460);
  });

  it('filters out what is above the new Nyquist frequency instead of aliasing it', async () => {
    const out = await resample(sine(10_000, 44100, 0.5), 44100, 16000);
    expect(rms(out, 500, out.length - 500)).toBeLessThan(0.01);
  });

  // Issue 15: the windowed sinc this replaced let an 8.5 kHz tone through at -17 dB (aliased to 7.5 kHz)
  // while its header said "no aliasing"; resample.ts documents -126 dB.
  it('rejects a near-Nyquist tone by at least 120 dB (44.1 kHz to 16 kHz, 8.5 kHz aliases to 7.5 kHz) and passes 7 kHz within 0.5 dB', async () => {
    const db = (x: Float32Array): number => 20 * Math.log10(rms(x, 2000, x.length - 2000) / (1 / Math.SQRT2));
    const near = await resample(sine(8500, 44100, 2, 1), 44100, 16000);
    const inBand = await resample(sine(7000, 44100, 2, 1), 44100, 16000);
    console.log(`resample 44.1 -> 16 kHz: 8.5 kHz tone at ${db(near).toFixed(1)} dB, 7 kHz tone at ${db(inBand).toFixed(2)} dB`);
    expect(db(near)).toBeLessThan(-120);
    expect(Math.abs(db(inBand))).toBeLessThan(0.5);
  });
});

describe('spectral features', () => {
  const s: AnalysisSettings = { sampleRate: 16000, windowSize: 1024, hopSize: 512 };

  it('puts a 1 kHz tone at 1 kHz: centroid, rolloff and the band holding 1 kHz', () => {
    const summary = spectralFeatures(spectrogram(sine(1000, 16000, 1), s));
    expect(summary.frames.length).toBe(Math.floor((16000 - 1024) / 512) + 1);
    expect(summary.centroidMeanHz).toBeGreaterThan(980);
    expect(summary.centroidMeanHz).toBeLessThan(1020);
    expect(summary.rolloffMeanHz).toBeGreaterThan(950);
    expect(summary.rolloffMeanHz).toBeLessThan(1050);
    expect(summary.fluxMean).toBeLessThan(0.01);
    const edges = bandEdges(16000);
    const band = edges.findIndex((e, i) => 1000 >= e && 1000 < edges[i + 1]!);
    expect(summary.bandEnergyMeans.indexOf(Math.max(...summary.bandEnergyMeans))).toBe(band);
    expect(summary.bandEnergyMeans).toHaveLength(8);
  });
});

describe('tempo, beats and onsets', () => {
  const s: AnalysisSettings = { sampleRate: 16000, windowSize: 1024, hopSize: 256 };

  it('finds 120 bpm in a 120 bpm click track, with beats half a second apart', () => {
    const { pcm } = clickTrack(120, 16000, 8);
    const env = onsetStrength(spectrogram(pcm, s));
    const tempo = estimateTempo(env, frameRate(s));
    expect(tempo.bpm).toBeGreaterThan(118);
    expect(tempo.bpm).toBeLessThan(122);
    expect(tempo.confidence).toBeGreaterThan(0.3);
    const beats = trackBeats(env, frameRate(s), tempo.bpm).map((t) => frameTime(t, s));
    expect(beats.length).toBeGreaterThanOrEqual(14);
    const gaps = beats.slice(1).map((t, i) => t - beats[i]!);
    for (const gap of gaps) expect(Math.abs(gap - 0.5)).toBeLessThan(0.04);
  });

  it('is precise at the pipeline default hop (512 samples at 16 kHz, ~1 % of 120 bpm per window)', () => {
    const coarse: AnalysisSettings = { sampleRate: 16000, windowSize: 1024, hopSize: 512 };
    for (const bpm of [120, 140]) {
      const env = onsetStrength(spectrogram(clickTrack(bpm, 16000, 10).pcm, coarse));
      expect(Math.abs(estimateTempo(env, frameRate(coarse)).bpm - bpm)).toBeLessThan(0.5);
    }
  });

  it('finds 90 bpm as well (no octave error)', () => {
    const { pcm } = clickTrack(90, 16000, 10);
    const env = onsetStrength(spectrogram(pcm, s));
    const tempo = estimateTempo(env, frameRate(s));
    expect(Math.abs(tempo.bpm - 90)).toBeLessThan(2);
  });

  it('detects one onset per click, near the click', () => {
    const { pcm, clicks } = clickTrack(120, 16000, 4);
    const onsets = pickOnsets(onsetStrength(spectrogram(pcm, s)), frameRate(s)).map((t) => frameTime(t, s));
    expect(onsets.length).toBe(clicks.length);
    onsets.forEach((t, i) => expect(Math.abs(t - clicks[i]!)).toBeLessThan(1024 / 16000));
  });

  it('gives nothing for silence', () => {
    const env = onsetStrength(spectrogram(new Float32Array(16000), s));
    expect(estimateTempo(env, frameRate(s))).toEqual({ bpm: 0, confidence: 0 });
    expect(trackBeats(env, frameRate(s), 0)).toEqual([]);
    expect(pickOnsets(env, frameRate(s))).toEqual([]);
  });
});

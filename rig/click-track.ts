/** A test signal for the audio scenario: a click track as a WAV file. */
import { encodeWav } from '../definitions/services/wav.ts';

/**
 * A mono 16-bit WAV of clicks (10 ms decaying bursts) every 60/bpm s from 0.25 s on: a sample
 * whose tempo (bpm) and onsets (one per click) are known.
 * @param bpm beats per minute
 * @param seconds length, s
 * @param rate sample rate, Hz @default 44100
 */
export function clickTrackWav(bpm: number, seconds: number, rate = 44_100): Uint8Array {
  const pcm = new Float32Array(Math.round(rate * seconds));
  for (let t = 0.25; t < seconds - 0.05; t += 60 / bpm) {
    const start = Math.round(t * rate);
    for (let i = 0; i < rate * 0.01; i++) pcm[start + i] = 0.8 * Math.sin(i * 1.7) * Math.exp(-i / (rate * 0.002));
  }
  return encodeWav(pcm, rate);
}

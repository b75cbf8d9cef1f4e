import { AUDIO_BOUNDS } from './audio.ts';

/** A decoded WAV file, mixed down to mono. */
export interface DecodedWav {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** 'pcm' (integer) or 'float'. */
  readonly encoding: 'pcm' | 'float';
  /** Mono samples in [-1, 1] (the mean of the channels). */
  readonly samples: Float32Array;
}

/** A file that is not a WAV this decoder reads; the message says what is wrong. */
export class WavFormatError extends Error {
  readonly code = 'wav_format';
  constructor(message: string) {
    super(message);
    this.name = 'WavFormatError';
  }
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Decodes a RIFF/WAVE file: integer PCM (8, 16, 24, 32 bit) or IEEE float (32, 64 bit), plain or
 * WAVE_FORMAT_EXTENSIBLE, any channel count, mixed down to mono; the sample rate must be within
 * AUDIO_BOUNDS.sourceRateHz (8-192 kHz) and the audio last at most AUDIO_BOUNDS.maxSeconds. Walks the chunks (skipping LIST,
 * fact and others, honouring the pad byte after odd-sized chunks); a data chunk that claims more
 * bytes than the file holds (a stream that was cut) is read up to the last whole frame.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number): string => String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new WavFormatError('not a RIFF/WAVE file (no "RIFF....WAVE" header)');

  let fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  let data: { offset: number; size: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new WavFormatError(`fmt chunk is ${size} bytes, at least 16 expected`);
      let format = view.getUint16(body, true);
      const bits = view.getUint16(body + 14, true);
      if (format === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 40 > bytes.length) throw new WavFormatError('WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes');
        format = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = { format, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), blockAlign: view.getUint16(body + 12, true), bits };
    } else if (id === 'data') {
      data = { offset: body, size: Math.min(size, bytes.length - body) };
      if (fmt) break;
    }
    offset = body + size + (size % 2);
  }
  if (!fmt) throw new WavFormatError('no fmt chunk');
  if (!data) throw new WavFormatError('no data chunk');
  const { format, channels, sampleRate, bits } = fmt;
  if (channels < 1) throw new WavFormatError('fmt chunk says 0 channels');
  const rates = AUDIO_BOUNDS.sourceRateHz;
  if (sampleRate < rates.min || sampleRate > rates.max) throw new WavFormatError(`fmt chunk says a sample rate of ${sampleRate} Hz; samples are read at ${rates.min} to ${rates.max} Hz`);
  let encoding: 'pcm' | 'float';
  if (format === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bits)) encoding = 'pcm';
  else if (format === WAVE_FORMAT_IEEE_FLOAT && (bits === 32 || bits === 64)) encoding = 'float';
  else throw new WavFormatError(`unsupported encoding: format tag 0x${format.toString(16)} with ${bits} bits per sample (PCM 8/16/24/32 and float 32/64 are supported)`);
  const bytesPerSample = bits / 8;
  const frameBytes = bytesPerSample * channels;
  if (fmt.blockAlign !== frameBytes) throw new WavFormatError(`block align ${fmt.blockAlign} does not match ${channels} channels of ${bits} bits`);

  const frames = Math.floor(data.size / frameBytes);
  if (frames > AUDIO_BOUNDS.maxSeconds * sampleRate) {
    throw new WavFormatError(`the data chunk holds ${(frames / sampleRate).toFixed(1)} s of audio; samples may last at most ${AUDIO_BOUNDS.maxSeconds} s: cut it shorter`);
  }
  const samples = new Float32Array(frames);
  const read = sampleReader(view, encoding, bits);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const base = data.offset + f * frameBytes;
    for (let c = 0; c < channels; c++) sum += read(base + c * bytesPerSample);
    samples[f] = sum / channels;
  }
  return { sampleRate, channels, bitsPerSample: bits, encoding, samples };
}

function sampleReader(view: DataView, encoding: 'pcm' | 'float', bits: number): (offset: number) => number {
  if (encoding === 'float') return bits === 32 ? (o) => view.getFloat32(o, true) : (o) => view.getFloat64(o, true);
  switch (bits) {
    case 8:
      return (o) => (view.getUint8(o) - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (o) => view.getInt16(o, true) / 32768;
    case 24:
      return (o) => {
        const v = view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16);
        return v / 8388608;
      };
    default:
      return (o) => view.getInt32(o, true) / 2147483648;
  }
}

/** Encodes mono or interleaved samples as a WAV file (16-bit PCM or 32-bit float); for tests and fixtures. */
export function encodeWav(samples: Float32Array, sampleRate: number, options: { channels?: number; encoding?: 'pcm16' | 'float32' } = {}): Uint8Array {
  const channels = options.channels ?? 1;
  const float = options.encoding === 'float32';
  const bytesPerSample = float ? 4 : 2;
  const dataBytes = samples.length * bytesPerSample;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const write = (offset: number, text: string): void => [...text].forEach((ch, i) => view.setUint8(offset + i, ch.charCodeAt(0)));
  write(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  write(8, 'WAVE');
  write(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, float ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * bytesPerSample, true);
  view.setUint16(32, channels * bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  write(36, 'data');
  view.setUint32(40, dataBytes, true);
  samples.forEach((s, i) => {
    const clamped = Math.max(-1, Math.min(1, s));
    if (float) view.setFloat32(44 + i * 4, clamped, true);
    else view.setInt16(44 + i * 2, Math.round(clamped * 32767), true);
  });
  return out;
}

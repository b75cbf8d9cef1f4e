import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ArtifactStore } from './artifact-store.ts';
import { BoundedFetchError, fetchBounded, type BoundedAnswer } from './bounded-fetch.ts';
import { endianness } from 'node:os';
import { assertSettings, frameTime, round, type AnalysisSettings } from './audio.ts';
import { createAudioThread, type AudioThread } from './audio-thread.ts';
import { requireInsideAny } from '../../src/path-containment.ts';
import { writeFileAtomic, writeJsonAtomic } from './fs-utils.ts';

/** Container formats `sniffAudioFormat` recognises; fetch_audio_sample accepts WAV only, the one the decoder reads. */
export type AudioFormat = 'wav' | 'flac' | 'mp3';

/** An audio input that no retry can fix (unsupported format, bad location, not audio). */
export class AudioInputError extends Error {
  readonly code = 'audio_input';
  constructor(message: string) {
    super(message);
    this.name = 'AudioInputError';
  }
}

/** Options of {@link createAudioFiles}. */
export interface AudioFilesOptions {
  /** Scratch space: fetched samples, PCM and feature files go to `<workDir>/audio`. */
  readonly workDir: string;
  /** Directories a sample given as a file path may come from. */
  readonly sampleDirs: readonly string[];
  /** Resolves `artifact:<id>` locations. */
  readonly artifacts: Pick<ArtifactStore, 'get'>;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Download timeout, ms. @default 60000 */
  readonly downloadTimeoutMs?: number;
  /** Largest sample accepted, bytes. @default 200 MiB */
  readonly maxSampleBytes?: number;
  /** Where decoding and analysis run. @default a thread of its own ({@link createAudioThread}) */
  readonly thread?: AudioThread;
}

/** fetch_audio_sample's answer. */
export interface FetchedSample {
  readonly local_path: string;
  readonly format: 'wav';
  readonly size_bytes: number;
  readonly sha256: string;
}

/** decode_and_resample's answer. */
export interface DecodedPcm {
  readonly pcm_path: string;
  readonly sample_rate: number;
  readonly source_sample_rate: number;
  readonly duration_seconds: number;
  readonly sample_count: number;
}

/** What every analysis reads. */
export interface AnalysisRequest extends AnalysisSettings {
  readonly pcmPath: string;
}

/** The audio side of the K1 workers: files in, analysis files and figures out. */
export interface AudioFiles {
  fetchSample(location: string, signal?: AbortSignal): Promise<FetchedSample>;
  decode(localPath: string, sampleRate: number): Promise<DecodedPcm>;
  spectral(request: AnalysisRequest): Promise<{ featuresPath: string; frameCount: number; centroidMeanHz: number; rolloffMeanHz: number; fluxMean: number; bandEnergyMeans: number[] }>;
  beat(request: AnalysisRequest): Promise<{ bpm: number; confidence: number; beatTimes: number[] }>;
  onsets(request: AnalysisRequest): Promise<{ onsetTimes: number[]; ratePerSecond: number }>;
  /** Writes a JSON file in the scratch space; returns its path. */
  writeJson(name: string, value: unknown): Promise<string>;
}

/** The container format from the first bytes. */
export function sniffAudioFormat(head: Uint8Array): AudioFormat | undefined {
  const ascii = (from: number, to: number): string => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && (ascii(0, 4) === 'RIFF' || ascii(0, 4) === 'RF64') && ascii(8, 12) === 'WAVE') return 'wav';
  if (head.length >= 4 && ascii(0, 4) === 'fLaC') return 'flac';
  if (head.length >= 3 && ascii(0, 3) === 'ID3') return 'mp3';
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return 'mp3';
  return undefined;
}


/** PCM files are raw 32-bit little-endian floats, written and read as the memory of a Float32Array. */
if (endianness() !== 'LE') throw new Error('The K1 audio tasks need a little-endian host (x86-64 or ARM): PCM files are raw little-endian 32-bit floats.');

/**
 * The audio service: fetches WAV samples (file path inside the sample directories,
 * `artifact:<id>`, or http(s) URL) into the scratch space, decodes them to mono 32-bit float PCM
 * at the analysis rate, and runs the analyses over that PCM. PCM paths must be in the scratch
 * space. Decoding and analysis run in the audio thread, off the event loop, within
 * {@link AUDIO_BOUNDS}: a sample or a setting past them fails terminally, naming the range.
 */
export function createAudioFiles(options: AudioFilesOptions): AudioFiles {
  const dir = join(options.workDir, 'audio');
  const thread = options.thread ?? createAudioThread();
  const doFetch = options.fetch ?? globalThis.fetch;
  const maxBytes = options.maxSampleBytes ?? 200 * 1024 * 1024;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 60_000;

  async function readSource(location: string, signal?: AbortSignal): Promise<Uint8Array> {
    if (/^https?:\/\//i.test(location)) {
      const timeout = AbortSignal.timeout(downloadTimeoutMs);
      let answer: BoundedAnswer;
      try {
        answer = await fetchBounded(doFetch, location, { signal: signal ? AbortSignal.any([timeout, signal]) : timeout }, maxBytes);
      } catch (error) {
        if (error instanceof BoundedFetchError) throw new AudioInputError(`Downloading ${location}: ${error.message}`);
        throw new Error(`Could not download ${location}: ${timeout.aborted ? `no answer within ${downloadTimeoutMs} ms` : (error as Error).message}`);
      }
      if (answer.status === 404) throw new AudioInputError(`${location} answered 404: no such sample`);
      if (!answer.ok) throw new Error(`Downloading ${location} answered HTTP ${answer.status}`);
      return answer.body;
    }
    const artifact = /^artifact:(?:\/\/)?(.+)$/.exec(location);
    let path: string;
    if (artifact) {
      const found = await options.artifacts.get(artifact[1]!);
      if (!found) throw new AudioInputError(`No artifact ${artifact[1]} in the store`);
      path = found.path;
    } else {
      try {
        path = await requireInsideAny(options.sampleDirs, resolve(options.sampleDirs[0] ?? '.', location));
      } catch {
        throw new AudioInputError(`Sample ${location} is outside the sample directories (${options.sampleDirs.join(', ')}); use a path inside them, artifact:<id> or an http(s) URL`);
      }
    }
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a file');
      size = info.size;
    } catch {
      throw new AudioInputError(`Sample ${location} does not exist or is not a file`);
    }
    if (size > maxBytes) throw new AudioInputError(`${location} is ${size} bytes, more than the ${maxBytes} allowed`);
    return new Uint8Array(await readFile(path));
  }

  async function readPcm(path: string): Promise<Float32Array> {
    let checked: string;
    try {
      checked = await requireInsideAny([dir], path);
    } catch {
      throw new AudioInputError(`PCM file ${path} is not in the worker's audio scratch space ${dir}; pass the pcm_path decode_and_resample returned`);
    }
    const bytes = await readFile(checked).catch(() => {
      throw new AudioInputError(`PCM file ${path} does not exist (decoded on another worker? the audio tasks share one scratch space)`);
    });
    if (bytes.length % 4 !== 0) throw new AudioInputError(`PCM file ${path} is ${bytes.length} bytes, not a whole number of 32-bit samples`);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  const load = async (request: AnalysisRequest): Promise<Float32Array> => {
    assertSettings(request);
    return readPcm(request.pcmPath);
  };
  const settingsOf = (request: AnalysisRequest): AnalysisSettings => ({ sampleRate: request.sampleRate, windowSize: request.windowSize, hopSize: request.hopSize });
  const stem = (request: AnalysisRequest): string => basename(request.pcmPath).replace(/\.f32$/, '');

  return {
    async fetchSample(location, signal) {
      const bytes = await readSource(location, signal);
      const format = sniffAudioFormat(bytes.subarray(0, 16));
      if (!format) throw new AudioInputError(`${location} is not a WAV file (its first bytes are not "RIFF....WAVE")`);
      if (format !== 'wav') throw new AudioInputError(`${location} is ${format.toUpperCase()}; the audio tasks decode WAV only: convert it first, e.g. ffmpeg -i in.${format} out.wav`);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const localPath = join(dir, `${sha256}.${format}`);
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(localPath, bytes);
      return { local_path: localPath, format, size_bytes: bytes.length, sha256 };
    },

    async decode(localPath, sampleRate) {
      let checked: string;
      try {
        checked = await requireInsideAny([dir], localPath);
      } catch {
        throw new AudioInputError(`${localPath} is not in the worker's audio scratch space; pass the local_path fetch_audio_sample returned`);
      }
      const bytes = await readFile(checked).catch(() => {
        throw new AudioInputError(`${localPath} does not exist`);
      });
      const format = sniffAudioFormat(bytes.subarray(0, 16));
      if (format !== 'wav') {
        throw new AudioInputError(`${localPath} is ${format ?? 'not audio'}; this worker decodes WAV only (convert FLAC/MP3 to WAV first, e.g. ffmpeg -i in.flac out.wav)`);
      }
      const copy = new Uint8Array(bytes); // its own buffer, moved to the thread
      const decoded = await thread.run('decode', [copy, sampleRate], [copy.buffer]).catch((error: unknown) => {
        throw (error as { code?: string }).code === 'wav_format' ? new AudioInputError(`${localPath}: ${(error as Error).message}`) : error;
      });
      const pcm = decoded.pcm;
      const pcmPath = join(dir, `${basename(checked).replace(/\.[^.]+$/, '')}-${sampleRate}.f32`);
      await writeFileAtomic(pcmPath, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      return {
        pcm_path: pcmPath,
        sample_rate: sampleRate,
        source_sample_rate: decoded.sourceSampleRate,
        duration_seconds: round(decoded.sourceSamples / decoded.sourceSampleRate),
        sample_count: pcm.length,
      };
    },

    async spectral(request) {
      const pcm = await load(request);
      const features = await thread.run('spectral', [pcm, settingsOf(request)], [pcm.buffer as ArrayBuffer]);
      const featuresPath = join(dir, `${stem(request)}-spectral-w${request.windowSize}-h${request.hopSize}.json`);
      await writeFileAtomic(featuresPath, features.file);
      return {
        featuresPath,
        frameCount: features.frameCount,
        centroidMeanHz: round(features.centroidMeanHz, 2),
        rolloffMeanHz: round(features.rolloffMeanHz, 2),
        fluxMean: round(features.fluxMean, 6),
        bandEnergyMeans: features.bandEnergyMeans.map((e) => round(e, 6)),
      };
    },

    async beat(request) {
      const pcm = await load(request);
      const tempo = await thread.run('beat', [pcm, settingsOf(request)], [pcm.buffer as ArrayBuffer]);
      return { bpm: round(tempo.bpm, 2), confidence: round(tempo.confidence, 3), beatTimes: tempo.beats.map((t) => round(frameTime(t, request))) };
    },

    async onsets(request) {
      const pcm = await load(request);
      const duration = pcm.length / request.sampleRate;
      const onsets = await thread.run('onsets', [pcm, settingsOf(request)], [pcm.buffer as ArrayBuffer]);
      return { onsetTimes: onsets.map((t) => round(frameTime(t, request))), ratePerSecond: duration > 0 ? round(onsets.length / duration) : 0 };
    },

    async writeJson(name, value) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`Invalid scratch file name ${JSON.stringify(name)}`);
      const path = join(dir, name);
      await writeJsonAtomic(path, value);
      return path;
    },
  };
}

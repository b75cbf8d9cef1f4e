/** Zero crossings of the sinc kernel on each side (quality against speed). */
const HALF_ZEROS = 16;

/** Blackman window over [-1, 1]. */
function blackman(x: number): number {
  const t = (x + 1) / 2;
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * t) + 0.08 * Math.cos(4 * Math.PI * t);
}

/**
 * Band-limited resampling (windowed-sinc interpolation, Blackman window). When downsampling, the
 * kernel is widened so that it also low-passes at the new Nyquist frequency: no aliasing.
 */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`sample rates must be positive, got ${fromRate} and ${toRate}`);
  if (fromRate === toRate) return Float32Array.from(input);
  const ratio = toRate / fromRate;
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Float32Array(outLength);
  const cutoff = Math.min(1, ratio); // relative to the input Nyquist
  const halfWidth = HALF_ZEROS / cutoff; // in input samples
  for (let n = 0; n < outLength; n++) {
    const centre = n / ratio;
    const first = Math.max(0, Math.ceil(centre - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(centre + halfWidth));
    let acc = 0;
    let norm = 0;
    for (let k = first; k <= last; k++) {
      const d = k - centre;
      const x = d * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = sinc * blackman(d / halfWidth) * cutoff;
      acc += input[k]! * w;
      norm += w;
    }
    // Normalising by the kernel sum keeps DC gain at 1 near the edges, where the kernel is cut.
    out[n] = norm !== 0 ? acc / norm : 0;
  }
  return out;
}

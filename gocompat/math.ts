/**
 * Go's `math.Frexp`, `math.Ldexp` and `math.Pow` for integer exponents, bit for bit.
 *
 * Why: Kapacitor's holtWinters (influxdb query.FloatHoltWintersReducer and its Nelder-Mead optimizer) calls
 * `math.Pow(phi, t)` and `math.Pow(d, 2)`. Go computes integer powers by repeated squaring of the mantissa, which can
 * differ from V8's `Math.pow` in the last bit; the optimizer then wanders to a different result. Reproducing Go's
 * steps keeps the forecasts identical to Kapacitor's.
 */
// The exponent lives in bits 52..62, i.e. bits 20..30 of the high 32-bit word: plain number ops, no BigInt.
const buf = new DataView(new ArrayBuffer(8));
const SMALLEST_NORMAL = 2.2250738585072014e-308;
const EXP_MASK_HI = 0x7ff00000;

function highWord(x: number): number { buf.setFloat64(0, x); return buf.getUint32(0); }
/** x with its biased exponent field replaced by `e` (sign and mantissa kept). */
function withExponent(x: number, e: number): number {
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  buf.setUint32(0, ((hi & ~EXP_MASK_HI) | (e << 20)) >>> 0);
  return buf.getFloat64(0);
}

/** Go math.Frexp: frac in ±[0.5, 1) and exp with frac × 2^exp = x. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exp = 0;
  if (Math.abs(x) < SMALLEST_NORMAL) { x *= 2 ** 52; exp = -52; }
  exp += ((highWord(x) & EXP_MASK_HI) >>> 20) - 1023 + 1;
  return [withExponent(x, 1022), exp];
}

/** Go math.Ldexp: frac × 2^exp with Go's overflow, underflow and denormal rounding. */
export function ldexp(frac: number, exp: number): number {
  if (frac === 0 || !Number.isFinite(frac)) return frac;
  if (Math.abs(frac) < SMALLEST_NORMAL) { frac *= 2 ** 52; exp -= 52; } // normalize
  exp += ((highWord(frac) & EXP_MASK_HI) >>> 20) - 1023;
  if (exp < -1075) return frac < 0 ? -0 : 0;
  if (exp > 1023) return frac < 0 ? -Infinity : Infinity;
  let m = 1;
  if (exp < -1022) { exp += 53; m = 1 / 2 ** 53; }
  return m * withExponent(frac, exp + 1023);
}

/** Go math.Pow(x, n) for an integer n (|n| < 2^31), including its special cases. */
export function goPowInt(x: number, n: number): number {
  if (!Number.isInteger(n)) throw new Error(`goPowInt: exponent ${n} is not an integer`);
  if (n === 0 || x === 1) return 1;
  if (n === 1) return x;
  if (Number.isNaN(x)) return NaN;
  // x = ±0, ±Inf: Go's special cases agree with Math.pow for integer exponents
  if (x === 0 || !Number.isFinite(x)) return Math.pow(x, n);
  let a1 = 1;
  let ae = 0;
  let [x1, xe] = frexp(x);
  for (let i = Math.abs(n); i !== 0; i = Math.floor(i / 2)) {
    if (xe < -(1 << 12) || (1 << 12) < xe) {
      // catastrophic overflow: let Ldexp handle it
      ae += xe;
      break;
    }
    if (i % 2 === 1) { a1 *= x1; ae += xe; }
    x1 *= x1;
    xe *= 2;
    if (x1 < 0.5) { x1 += x1; xe--; }
  }
  if (n < 0) { a1 = 1 / a1; ae = -ae; }
  return ldexp(a1, ae);
}

/**
 * A small seeded PRNG (sfc32, seeded from a string by cyrb128) so that generated data is reproducible byte for
 * byte from `--seed`; Math.random is never used for data.
 */

/** Draws reproducible values from one seed. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi], both inclusive (like Python's random.randint). */
  int(lo: number, hi: number): number;
  /** A float in [lo, hi) (like Python's random.uniform). */
  uniform(lo: number, hi: number): number;
  /** One element of a non-empty array. */
  choice<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A random (version 4 layout) UUID drawn from this generator. */
  uuid4(): string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Create a generator from any seed string; the same seed always yields the same sequence.
 *
 * @example const rng = createPrng('42'); rng.int(1, 5)
 */
export function createPrng(seed: string): Prng {
  let [a, b, c, d] = cyrb128(seed);
  const nextU32 = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up: the first outputs of sfc32 are correlated with the seed.
  for (let i = 0; i < 15; i++) nextU32();
  const next = (): number => nextU32() / 4294967296;
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    choice: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => p > 0 && next() < p,
    uuid4: () => {
      const w = [nextU32(), nextU32(), nextU32(), nextU32()];
      const bytes: number[] = [];
      for (const word of w) bytes.push(word >>> 24, (word >>> 16) & 255, (word >>> 8) & 255, word & 255);
      bytes[6] = (bytes[6]! & 0x0f) | 0x40;
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      const h = bytes.map((x) => HEX[x]!);
      return (
        h.slice(0, 4).join('') +
        '-' +
        h.slice(4, 6).join('') +
        '-' +
        h.slice(6, 8).join('') +
        '-' +
        h.slice(8, 10).join('') +
        '-' +
        h.slice(10, 16).join('')
      );
    },
  };
}

/** cyrb128: a fast string hash giving four 32-bit words to seed sfc32. */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

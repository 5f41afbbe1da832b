//! The simulator's seeded randomness: one ChaCha8 stream per call, so a call
//! is the same whatever else is generated around it (call `k` of seed `s` is
//! identical with `--calls 10` and `--calls 10000`), plus the few
//! distributions the call model draws from.
//!
//! ChaCha8 is chosen over `SmallRng` because its output is specified and
//! stable across `rand` releases: `--seed` must give the same bytes next year.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A deterministic random stream.
#[derive(Debug, Clone)]
pub struct SimRng(ChaCha8Rng);

/// Mixes a run seed and a stream number into one 64-bit seed (SplitMix64
/// finaliser), so that neighbouring calls get unrelated streams.
pub fn mix(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SimRng {
    /// The stream `stream` of run seed `seed`.
    pub fn new(seed: u64, stream: u64) -> Self {
        SimRng(ChaCha8Rng::seed_from_u64(mix(seed, stream)))
    }

    /// A uniform integer in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        self.0.random_range(lo..=hi)
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// A uniform index below `len` (0 when `len` is 0).
    pub fn index(&mut self, len: usize) -> usize {
        if len == 0 {
            return 0;
        }
        self.0.random_range(0..len)
    }

    /// An index drawn with the given weights (the last one when all are 0).
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if *w <= 0.0 {
                continue;
            }
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// A standard normal draw (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        // 1 - unit() is in (0, 1], so the log is finite.
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A log-normal draw with the given median and 95th percentile
    /// (`p95 > p50 > 0`): `exp(mu + sigma * z)` with `mu = ln p50` and
    /// `sigma = ln(p95 / p50) / 1.645`.
    pub fn lognormal(&mut self, p50: f64, p95: f64) -> f64 {
        let mu = p50.max(1e-9).ln();
        let sigma = ((p95 / p50).max(1.0)).ln() / 1.644_853_6;
        (mu + sigma * self.normal()).exp()
    }

    /// A random version-4 UUID, lower-case hex.
    pub fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.0.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex_lower(&b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    /// `n` random alphanumeric characters (tool-call ids, provider ids).
    pub fn alnum(&mut self, n: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| char::from(CHARS[self.index(CHARS.len())]))
            .collect()
    }

    /// A North-American E.164 number, `+1` and ten digits.
    pub fn phone(&mut self) -> String {
        format!(
            "+1{}{:02}{:07}",
            self.range(2, 9),
            self.range(0, 99),
            self.range(0, 9_999_999)
        )
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_stream_give_the_same_draws_and_another_stream_does_not() {
        let mut a = SimRng::new(7, 3);
        let mut b = SimRng::new(7, 3);
        let mut c = SimRng::new(7, 4);
        let da: Vec<i64> = (0..8).map(|_| a.range(0, 1_000_000)).collect();
        let db: Vec<i64> = (0..8).map(|_| b.range(0, 1_000_000)).collect();
        let dc: Vec<i64> = (0..8).map(|_| c.range(0, 1_000_000)).collect();
        assert_eq!(da, db);
        assert_ne!(da, dc);
    }

    #[test]
    fn lognormal_draws_have_roughly_the_requested_median_and_p95() {
        let mut rng = SimRng::new(1, 1);
        let mut xs: Vec<f64> = (0..20_000).map(|_| rng.lognormal(900.0, 2500.0)).collect();
        xs.sort_by(f64::total_cmp);
        let p50 = xs[xs.len() / 2];
        let p95 = xs[xs.len() * 95 / 100];
        assert!((p50 - 900.0).abs() < 60.0, "p50 {p50}");
        assert!((p95 - 2500.0).abs() < 250.0, "p95 {p95}");
    }

    #[test]
    fn uuids_have_the_version_4_shape() {
        let id = SimRng::new(0, 0).uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_eq!(id.matches('-').count(), 4);
    }
}

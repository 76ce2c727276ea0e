package gen

import "math/rand/v2"

// Random streams: every entity draws from its own PCG stream derived from the run seed, the stream
// and the entity's index, so that a person's data never depends on how many persons came before it
// or on which goroutine generated it.
const (
	streamCatalog uint64 = iota + 1
	streamPerson
	streamOrders
	streamEvents
	streamTouches
	streamVendor
	streamFeedback
	streamFileMess // per-file line mess (truncation, invalid bytes, replays, bots)
	streamCampaigns
	streamChanges // what changes inside the window: contact details, list prices
	streamBaskets // which products are bought together
)

// splitmix64 is the finaliser of SplitMix64: a cheap, well-mixing bijection on uint64.
func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// newRand returns the generator of one stream of one entity.
func newRand(seed, stream, idx uint64) *rand.Rand {
	return rand.New(
		rand.NewPCG(
			splitmix64(seed^splitmix64(stream)),
			splitmix64(idx^(stream<<56)^0x5851F42D4C957F2D),
		),
	)
}

// permute is a keyed bijection on [0, 2^bits): ids made from it are unique per input but do not
// reveal the person index in order.
func permute(x uint64, bits uint, key uint64) uint64 {
	mask := uint64(1)<<bits - 1
	x = (x ^ key) & mask
	x = (x * 0x9E3779B97F4A7C15) & mask
	x ^= x >> (bits/2 + 1)
	x = (x * 0xBF58476D1CE4E5B9) & mask
	x ^= x >> (bits/3 + 1)
	return x & mask
}

// idBits is the width of the id space for n entities: room for a few times n, at least 16 bits.
func idBits(n int) uint {
	b := uint(16)
	for uint64(1)<<b < uint64(n)*4 {
		b++
	}
	return b
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// pick returns a uniformly chosen element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// pickSkewed returns an element of xs, the first ones more often (for frequency-ordered lists).
func pickSkewed[T any](r *rand.Rand, xs []T) T {
	u := r.Float64()
	return xs[int(u*u*float64(len(xs)))]
}

// weighted returns an index drawn with the given (not necessarily normalised) weights.
func weighted(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

const hexDigits = "0123456789abcdef"

// appendHex appends n random lower-case hex digits.
func appendHex(b []byte, r *rand.Rand, n int) []byte {
	for n > 0 {
		v := r.Uint64()
		for k := 0; k < 16 && n > 0; k++ {
			b = append(b, hexDigits[v&15])
			v >>= 4
			n--
		}
	}
	return b
}

// randHex returns n random lower-case hex digits.
func randHex(r *rand.Rand, n int) string { return string(appendHex(make([]byte, 0, n), r, n)) }

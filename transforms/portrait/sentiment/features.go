package sentiment

import (
	"unicode"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
)

// boundary stands before the first and after the last character of a text,
// so that an n-gram opening or closing a text ("好评" at the end) is a
// feature of its own.
const boundary = '\x02'

// extractor turns a text into the distinct hashed buckets of its character
// n-grams. It reuses its buffers, so one extractor serves one goroutine.
type extractor struct {
	maxOrder, bits int
	buf            []uint32
	table          []uint32 // open-addressing set of bucket+1 for dedupe
}

// features returns the distinct buckets of the n-grams of order 1 to
// maxOrder of the text after width folding and lower-casing, in order of
// first appearance; nil when the text folds to nothing. The slice is valid
// until the next call.
func (e *extractor) features(text string) []uint32 {
	folded := normalize.Fold(text)
	if folded == "" {
		return nil
	}
	e.buf = e.buf[:0]
	var window [maxMaxOrder]rune // window[0] is the current rune, window[1] the one before ...
	seen := 0
	add := func(r rune) {
		copy(window[1:e.maxOrder], window[:e.maxOrder-1])
		window[0] = r
		seen++
		e.buf = appendGrams(e.buf, window[:min(seen, e.maxOrder)], e.bits)
	}
	add(boundary)
	for _, r := range folded {
		add(unicode.ToLower(r))
	}
	add(boundary)
	return e.unique(e.buf)
}

// appendGrams appends the buckets of the n-grams that end at window[0]:
// window[0], window[1]window[0], ... The hash is FNV-1a over the runes
// (newest first) finished by fmix64, the same on every machine and run; the
// bucket is its top bits. The boundary alone is no feature.
func appendGrams(dst []uint32, window []rune, bits int) []uint32 {
	const prime = 0x100000001b3
	h := uint64(0xcbf29ce484222325)
	for n, r := range window {
		h = (h ^ uint64(r)) * prime
		if n == 0 && r == boundary {
			continue
		}
		dst = append(dst, uint32(fmix64(h)>>(64-bits)))
	}
	return dst
}

// fmix64 is the finaliser of MurmurHash3: it spreads every input bit over
// the whole output, so the top bits make a good bucket.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb93e53ca0f63
	h ^= h >> 33
	return h
}

// unique removes repeated buckets from fs in place, keeping first
// appearances in order. An open-addressing set sized to the text is faster
// than sorting and keeps the summation order of the scores stable.
func (e *extractor) unique(fs []uint32) []uint32 {
	size := 16
	for size < 2*len(fs) {
		size *= 2
	}
	if cap(e.table) < size {
		e.table = make([]uint32, size)
	} else {
		e.table = e.table[:size]
		clear(e.table)
	}
	mask := uint32(size - 1)
	k := 0
	for _, f := range fs {
		for i := f & mask; ; i = (i + 1) & mask {
			if e.table[i] == 0 {
				e.table[i] = f + 1
				fs[k] = f
				k++
				break
			}
			if e.table[i] == f+1 {
				break
			}
		}
	}
	return fs[:k]
}

package jsontext

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// AppendNumber appends f as JavaScript's String(f) spells it
// (Number.prototype.toString): the shortest digits that read back, in plain
// notation when 1e-6 <= |f| < 1e21 and otherwise as "1e+21" or "1e-7", "0" for
// both zeros, and "NaN", "Infinity" or "-Infinity". For a finite f this is
// also what JSON.stringify writes (JSON.stringify writes null for the
// others; see [AppendJSONNumber]).
func AppendNumber(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		return append(dst, '0')
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	// Go writes e+21 and e-07, JavaScript e+21 and e-7.
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
	n := len(dst)
	if n-start >= 4 && dst[n-2] == '0' && (dst[n-3] == '-' || dst[n-3] == '+') {
		dst[n-2] = dst[n-1]
		dst = dst[:n-1]
	}
	return dst
}

// AppendJSONNumber appends f as JSON.stringify writes a number: as
// [AppendNumber] does, and null for NaN and the infinities.
func AppendJSONNumber(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return AppendNumber(dst, f)
}

// ArrayIndex reports whether JavaScript treats the property key k as an
// array index (a canonical decimal integer below 2³²−1), which puts it
// before the other keys of an object, in numeric order, and returns it.
func ArrayIndex(k string) (uint32, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n >= math.MaxUint32 {
		return 0, false
	}
	return uint32(n), true
}

// OrderKeys reorders the members of an object, whose keys key returns, as
// a JavaScript object holds them: array-index keys first, ascending, then
// the other keys in the order they were added (the order members has).
// JSON.parse, notepack.io's decoder and socket.io-parser all build objects
// this way, so it is the order in which Node writes an object it received.
func OrderKeys[M any](members []M, key func(M) string) {
	if !slices.ContainsFunc(members, func(m M) bool { _, ok := ArrayIndex(key(m)); return ok }) {
		return // the usual case: no index keys, nothing moves
	}
	slices.SortStableFunc(members, func(a, b M) int {
		x, xi := ArrayIndex(key(a))
		y, yi := ArrayIndex(key(b))
		switch {
		case xi && yi:
			return cmp.Compare(x, y)
		case xi:
			return -1
		case yi:
			return 1
		}
		return 0
	})
}

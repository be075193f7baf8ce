// Package hookchain joins optional callbacks: the engineio and socketio
// Observers merge their hooks with it (MergeObservers).
package hookchain

// Then0 returns a function calling f then g, either of which may be nil
// (then the other is returned as is, nil when both are).
func Then0(f, g func()) func() {
	if f == nil || g == nil {
		return pick(f, g, f == nil)
	}
	return func() { f(); g() }
}

// Then1 is [Then0] for functions of one argument.
func Then1[A any](f, g func(A)) func(A) {
	if f == nil || g == nil {
		return pick(f, g, f == nil)
	}
	return func(a A) { f(a); g(a) }
}

// Then2 is [Then0] for functions of two arguments.
func Then2[A, B any](f, g func(A, B)) func(A, B) {
	if f == nil || g == nil {
		return pick(f, g, f == nil)
	}
	return func(a A, b B) { f(a, b); g(a, b) }
}

// Then3 is [Then0] for functions of three arguments.
func Then3[A, B, C any](f, g func(A, B, C)) func(A, B, C) {
	if f == nil || g == nil {
		return pick(f, g, f == nil)
	}
	return func(a A, b B, c C) { f(a, b, c); g(a, b, c) }
}

// Then5 is [Then0] for functions of five arguments.
func Then5[A, B, C, D, E any](f, g func(A, B, C, D, E)) func(A, B, C, D, E) {
	if f == nil || g == nil {
		return pick(f, g, f == nil)
	}
	return func(a A, b B, c C, d D, e E) { f(a, b, c, d, e); g(a, b, c, d, e) }
}

// Pipe returns a function calling f, then g with the first result of f in
// place of the first argument (a context a hook derived, say); either may
// be nil.
func Pipe[A, B, C, D any](f, g func(A, B, C, D) A) func(A, B, C, D) A {
	if f == nil || g == nil {
		return pick(f, g, f == nil)
	}
	return func(a A, b B, c C, d D) A { return g(f(a, b, c, d), b, c, d) }
}

// pick returns g when fNil, else f: the one set of two functions at most
// one of which is set.
func pick[F any](f, g F, fNil bool) F {
	if fNil {
		return g
	}
	return f
}

// NonNil returns the observers of obs that are not nil, in order: what a
// MergeObservers chains.
func NonNil[T any](obs []*T) []*T {
	var list []*T
	for _, o := range obs {
		if o != nil {
			list = append(list, o)
		}
	}
	return list
}

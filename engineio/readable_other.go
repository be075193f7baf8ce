//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package engineio

// socketReadable reports input as available at once: on this platform the
// reader waits inside gorilla's read instead.
func socketReadable(uintptr) bool { return true }

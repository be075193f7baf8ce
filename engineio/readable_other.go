//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package engineio

// readAhead reports input as available at once: on this platform the
// reader waits in bufio's Peek instead (see waitInput).
func (c *corkedConn) readAhead(uintptr) bool { return true }

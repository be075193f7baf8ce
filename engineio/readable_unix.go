//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package engineio

import (
	"syscall"
)

// readAhead is a syscall.RawConn.Read callback: it reads what the socket
// has, without blocking, into a pooled buffer that c's Read hands out
// first, and reports whether it read anything (or met an error or EOF,
// left for the next read to see); while it returns false the runtime
// poller parks the goroutine. The input is read once, by this read: the
// reader does not read it again after waking up.
func (c *corkedConn) readAhead(fd uintptr) bool {
	b := readAheadPool.Get().(*[]byte)
	n, err := syscall.Read(int(fd), (*b)[:cap(*b)])
	if n <= 0 {
		readAheadPool.Put(b)
		return err != syscall.EAGAIN && err != syscall.EWOULDBLOCK
	}
	*b = (*b)[:n]
	c.ahead, c.aheadOff = b, 0
	return true
}

//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package engineio

import "syscall"

// socketReadable is a syscall.RawConn.Read callback that reports whether
// the socket has input (or an error or EOF) without consuming it; while it
// returns false the runtime poller parks the goroutine.
func socketReadable(fd uintptr) bool {
	var b [1]byte
	_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	return err != syscall.EAGAIN && err != syscall.EWOULDBLOCK
}

//go:build linux

package main

// LinuxEvents are sent on linux only.
//
//sio:emits
type LinuxEvents interface {
	Hello(name string)
}

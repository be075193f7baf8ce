package main

// Same is declared in a _linux.go file, its handler under //go:build linux:
// the same constraint, no error.
//
//sio:consumer namespace=/same
type Same struct{}

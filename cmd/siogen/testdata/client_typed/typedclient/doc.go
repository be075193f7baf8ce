// Package typedclient holds the typed client siogen -client generates for
// the golden case client_typed (want/client_sio_gen.go, overlaid by the
// tests): this file only makes the directory a package.
package typedclient

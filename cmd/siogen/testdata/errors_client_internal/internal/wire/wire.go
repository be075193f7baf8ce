// Package wire holds payload types internal to errors_client_internal.
package wire

// Message is a payload.
type Message struct{ Text string }

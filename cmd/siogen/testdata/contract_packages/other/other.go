// Package other declares a Message too.
package other

// Message is other's message.
type Message struct {
	Body string `json:"body"`
}

package client

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// Default values of Options, the same as socket.io-client 4.8's where it has
// the setting.
const (
	DefaultPath                 = "/socket.io/"
	DefaultTimeout              = 20 * time.Second
	DefaultReconnectionDelay    = 1 * time.Second
	DefaultReconnectionDelayMax = 5 * time.Second
	DefaultRandomizationFactor  = 0.5
	DefaultSendBufferSize       = 1024
	DefaultEventQueueSize       = 64
	DefaultWriteQueueSize       = 1024
	DefaultMaxMessageSize       = 100 << 20
	DefaultRetryQueueSize       = 1024
)

// Transport names, for Options.Transports.
const (
	Polling   = "polling"
	WebSocket = "websocket"
)

// Options configures a Manager. A nil *Options means the defaults; Dial
// copies the struct and never modifies it.
type Options struct {
	// Path is the server's Engine.IO path. Default "/socket.io/".
	Path string
	// Transports lists the transports to use, the first one to connect
	// with: polling then websocket by default (upgrade from polling to
	// WebSocket); {"websocket"} connects over WebSocket at once.
	Transports []string
	// DisableUpgrade keeps a polling connection on polling
	// (socket.io-client's upgrade: false).
	DisableUpgrade bool
	// Header is added to every HTTP request and WebSocket handshake
	// (extraHeaders).
	Header http.Header
	// HTTPClient makes the long-polling requests; set its Jar for sticky
	// sessions by cookie. Default a client of the Manager's own.
	HTTPClient *http.Client
	// Dialer dials WebSockets. Default a copy of websocket.DefaultDialer.
	Dialer *websocket.Dialer
	// Timeout bounds one connection attempt (the Engine.IO handshake).
	// Default 20s.
	Timeout time.Duration

	// DisableReconnection stops the Manager from reconnecting after the
	// connection is lost (socket.io-client's reconnection: false).
	DisableReconnection bool
	// ReconnectionAttempts bounds the reconnection attempts after a loss;
	// 0 means no bound (socket.io-client's Infinity).
	ReconnectionAttempts int
	// ReconnectionDelay is the delay before the first attempt, doubled
	// after each failed one. Default 1s.
	ReconnectionDelay time.Duration
	// ReconnectionDelayMax caps the delay. Default 5s.
	ReconnectionDelayMax time.Duration
	// RandomizationFactor spreads each delay by up to this fraction of it,
	// up or down. 0 means the default 0.5; a negative value means none.
	RandomizationFactor float64

	// SendBufferSize bounds the packets a Socket buffers while it is not
	// connected (to send them once it is); Emit beyond it fails with
	// ErrSendBufferFull. Default 1024.
	SendBufferSize int
	// EventQueueSize bounds the received events waiting for their handlers;
	// while it is full the Manager stops reading from the server. Default 64.
	EventQueueSize int
	// WriteQueueSize bounds the Engine.IO messages waiting to be written
	// (a binary packet counts one per attachment, plus one); Emit beyond it
	// fails with ErrWriteQueueFull. Default 1024.
	WriteQueueSize int
	// MaxMessageSize bounds, in bytes, a long-polling response and a
	// WebSocket message from the server; larger input closes the
	// connection ("transport error"). Default 100 MiB (Node's ws default).
	MaxMessageSize int64
	// MaxAttachments bounds the binary attachments of a received packet.
	// Default 10 (socket.io-parser's).
	MaxAttachments int

	// Logger receives the Manager's logs. Default slog.Default().
	Logger *slog.Logger

	// random returns a number in [0, 1) for the jitter (tests set it).
	random func() float64
}

// withDefaults returns a copy of o with every zero field set to its default.
func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Path == "" {
		c.Path = DefaultPath
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ReconnectionDelay <= 0 {
		c.ReconnectionDelay = DefaultReconnectionDelay
	}
	if c.ReconnectionDelayMax <= 0 {
		c.ReconnectionDelayMax = DefaultReconnectionDelayMax
	}
	switch {
	case c.RandomizationFactor == 0:
		c.RandomizationFactor = DefaultRandomizationFactor
	case c.RandomizationFactor < 0:
		c.RandomizationFactor = 0
	case c.RandomizationFactor > 1:
		c.RandomizationFactor = 1
	}
	if c.SendBufferSize <= 0 {
		c.SendBufferSize = DefaultSendBufferSize
	}
	if c.EventQueueSize <= 0 {
		c.EventQueueSize = DefaultEventQueueSize
	}
	if c.WriteQueueSize <= 0 {
		c.WriteQueueSize = DefaultWriteQueueSize
	}
	if c.MaxMessageSize <= 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

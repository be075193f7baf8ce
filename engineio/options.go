package engineio

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Default values of Options, the same as the Node.js engine.io 6.6 server
// where it has the setting.
const (
	DefaultPath                  = "/engine.io/"
	DefaultPingInterval          = 25 * time.Second
	DefaultPingTimeout           = 20 * time.Second
	DefaultUpgradeTimeout        = 10 * time.Second
	DefaultMaxPayload            = 1_000_000
	DefaultSendQueueSize         = 1024
	DefaultReceiveQueueSize      = 64
	DefaultCompressionThreshold  = 1024
	DefaultPerMessageDeflateSize = 1024
)

// Default bounds of a long-polling POST body, the same as Node's engine.io
// 6.6.13 (httpRequestBodyTimeout, maxBufferedChunks).
const (
	DefaultHTTPRequestBodyTimeout = 30 * time.Second
	DefaultMaxBufferedChunks      = 10_000
)

// Transport names.
const (
	TransportPolling   = "polling"
	TransportWebSocket = "websocket"
)

// Options configures a Server. A nil *Options means all defaults; a zero
// field means that field's default. NewServer copies the options: changing
// them afterwards has no effect.
type Options struct {
	// Path is the URL path prefix the server answers, with a trailing slash
	// (added when missing). Default "/engine.io/".
	Path string
	// PingInterval is the time between two pings of the server. Default 25s.
	PingInterval time.Duration
	// PingTimeout is how long the server waits for the pong answering a
	// ping before it closes the session with ReasonPingTimeout. Default 20s.
	PingTimeout time.Duration
	// UpgradeTimeout bounds an upgrade from polling to WebSocket: a probing
	// WebSocket that has not completed the upgrade within it is closed.
	// Default 10s.
	UpgradeTimeout time.Duration
	// MaxPayload bounds, in bytes, a POST body, a WebSocket message, and
	// (except for a single larger packet) a long-polling GET response.
	// Larger input closes the session. Default 1,000,000
	// (Node's maxHttpBufferSize).
	MaxPayload int
	// HTTPRequestBodyTimeout bounds the time a long-polling POST body may
	// take to arrive, from the moment its headers were read. A body not
	// complete by then is answered 408 and closes the session
	// (ReasonTransportError). It is enforced with a read deadline through
	// http.ResponseController; a ResponseWriter that supports none (a
	// middleware wrapper without Unwrap) checks it only when data arrives.
	// Default 30s (Node's httpRequestBodyTimeout).
	HTTPRequestBodyTimeout time.Duration
	// MaxBufferedChunks bounds the pieces (reads that return data) a
	// long-polling POST body may arrive in: a body trickled in more pieces
	// is answered 413 and closes the session (ReasonTransportError,
	// ErrPayloadTooLarge). Default 10,000 (Node's maxBufferedChunks).
	MaxBufferedChunks int
	// Transports lists the allowed transports, "polling" and/or "websocket".
	// Default both.
	Transports []string
	// AllowUpgrades, when false, disables upgrades from polling to
	// WebSocket. Default true.
	AllowUpgrades *bool
	// AllowRequest, when set, is called for every handshake request; a
	// non-nil error refuses it with HTTP 403 and
	// {"code":4,"message":err.Error()}.
	AllowRequest func(r *http.Request) error
	// InitialHeaders, when set, is called with the headers of every
	// handshake response (the polling GET or WebSocket upgrade that opens a
	// session; with Cookie set they hold its Set-Cookie already), before
	// they are written, to add or change headers, e.g. an affinity cookie.
	// It runs before Headers. Like Node's "initial_headers" event.
	InitialHeaders func(h http.Header, r *http.Request)
	// Headers, when set, is called with the headers of every response of a
	// session, before they are written: the handshake (after
	// InitialHeaders), every long-polling GET and POST answered 200, and
	// every WebSocket upgrade response (101), including the upgrade of a
	// polling session. Refused requests (400, 403, 408, 413) do not call
	// it. Like Node's "headers" event. r is the request being answered.
	// Both hooks run on the request's goroutine, concurrently for
	// different requests; a panic is recovered and logged.
	Headers func(h http.Header, r *http.Request)
	// CORS, when set, adds CORS headers to every response and answers
	// preflight OPTIONS requests, like the Node.js cors module. Default off.
	CORS *CORSOptions
	// CheckOrigin decides whether a WebSocket upgrade with an Origin header
	// is accepted. Default: requests without Origin are accepted; with CORS
	// set, the origins CORS allows; otherwise only the same origin (Origin's
	// host equals the request's Host).
	CheckOrigin func(r *http.Request) bool
	// Cookie, when set, sends a cookie holding the session id with the
	// handshake response (for sticky load balancing). Default off.
	Cookie *CookieOptions
	// HTTPCompression configures gzip/deflate compression of long-polling
	// responses. Default on, for responses of at least 1024 bytes.
	HTTPCompression *CompressionOptions
	// PerMessageDeflate enables the WebSocket permessage-deflate extension
	// (messages of at least 1024 bytes are compressed). Default off.
	PerMessageDeflate bool
	// SendQueueSize bounds the packets queued for one session and not yet
	// written. A Send that would exceed it closes the session with
	// ReasonSendQueueFull. Default 1024.
	SendQueueSize int
	// ReceiveQueueSize bounds the received messages of one session waiting
	// for its OnMessage handler; when full, the server stops reading from
	// that client until the handler catches up. Default 64.
	ReceiveQueueSize int
	// Logger receives recovered handler panics and transport errors.
	// Default slog.Default().
	Logger *slog.Logger
	// Cluster, when set, makes the server serve requests for sessions
	// other servers of a cluster own, so that no sticky sessions are
	// needed (see ClusterOptions and docs/cluster-engine.md). Default off.
	Cluster *ClusterOptions
	// Observer, when set, is told of sessions opening, upgrading and
	// closing, refused requests, polling requests and bytes (see
	// [Observer]); package socketio/metrics turns it into Prometheus
	// metrics. Default none.
	Observer *Observer
	// Limits, when set, bounds the handshakes per second and the open
	// sessions of one client (by default one IP address), and the clients
	// tracked for it (see [LimitOptions] and docs/limits.md). Default nil:
	// no limits.
	Limits *LimitOptions
}

// CORSOptions configures Cross-Origin Resource Sharing, with the semantics
// of the Node.js cors module.
type CORSOptions struct {
	// Origins lists the allowed origins, e.g. "https://example.com". The
	// single value "*" allows any origin and answers
	// Access-Control-Allow-Origin: * (the default when Origins and
	// AllowOrigin are empty); otherwise an allowed request origin is
	// reflected, with Vary: Origin.
	Origins []string
	// AllowOrigin, when set, decides instead of Origins.
	AllowOrigin func(origin string) bool
	// Credentials sends Access-Control-Allow-Credentials: true.
	Credentials bool
	// Methods for preflight answers. Default GET,HEAD,PUT,PATCH,POST,DELETE.
	Methods []string
	// AllowedHeaders for preflight answers. Default: the request's
	// Access-Control-Request-Headers, reflected.
	AllowedHeaders []string
	// ExposedHeaders sets Access-Control-Expose-Headers.
	ExposedHeaders []string
	// MaxAge sets Access-Control-Max-Age on preflight answers when positive.
	MaxAge time.Duration
}

// CookieOptions configures the session cookie sent with handshake
// responses. Zero fields take Node's defaults.
type CookieOptions struct {
	Name       string        // default "io"
	Path       string        // default "/"
	Domain     string        // default none
	MaxAge     time.Duration // default none (session cookie)
	Secure     bool          // default false
	NoHTTPOnly bool          // default false: the cookie is HttpOnly
	SameSite   http.SameSite // default http.SameSiteLaxMode
}

// CompressionOptions configures compression of long-polling responses.
type CompressionOptions struct {
	// Disable turns compression off.
	Disable bool
	// Threshold is the smallest response, in bytes, that is compressed.
	// Default 1024.
	Threshold int
}

// config is the resolved, immutable configuration of a Server.
type config struct {
	path              string
	pingInterval      time.Duration
	pingTimeout       time.Duration
	upgradeTimeout    time.Duration
	maxPayload        int
	bodyTimeout       time.Duration
	maxBodyChunks     int
	polling           bool
	websocket         bool
	allowUpgrades     bool
	allowRequest      func(r *http.Request) error
	cors              *CORSOptions
	checkOrigin       func(r *http.Request) bool
	cookie            *CookieOptions
	initialHeaders    func(http.Header, *http.Request)
	headers           func(http.Header, *http.Request)
	compressThreshold int // 0 = off
	perMessageDeflate bool
	sendQueueSize     int
	recvQueueSize     int
	logger            *slog.Logger
	cluster           *clusterConfig // nil: no cluster
	obs               Observer       // zero when Options.Observer is nil
	limits            *LimitOptions  // a copy; nil: no limits
}

func newConfig(o *Options) *config {
	if o == nil {
		o = &Options{}
	}
	c := &config{
		path:              o.Path,
		pingInterval:      o.PingInterval,
		pingTimeout:       o.PingTimeout,
		upgradeTimeout:    o.UpgradeTimeout,
		maxPayload:        o.MaxPayload,
		bodyTimeout:       o.HTTPRequestBodyTimeout,
		maxBodyChunks:     o.MaxBufferedChunks,
		initialHeaders:    o.InitialHeaders,
		headers:           o.Headers,
		allowUpgrades:     o.AllowUpgrades == nil || *o.AllowUpgrades,
		allowRequest:      o.AllowRequest,
		checkOrigin:       o.CheckOrigin,
		perMessageDeflate: o.PerMessageDeflate,
		sendQueueSize:     o.SendQueueSize,
		recvQueueSize:     o.ReceiveQueueSize,
		logger:            o.Logger,
		compressThreshold: DefaultCompressionThreshold,
		cluster:           newClusterConfig(o.Cluster),
	}
	if o.Observer != nil {
		c.obs = *o.Observer
	}
	if o.Limits != nil {
		lim := *o.Limits
		c.limits = &lim
	}
	if c.path == "" {
		c.path = DefaultPath
	}
	if !strings.HasSuffix(c.path, "/") {
		c.path += "/"
	}
	if c.pingInterval <= 0 {
		c.pingInterval = DefaultPingInterval
	}
	if c.pingTimeout <= 0 {
		c.pingTimeout = DefaultPingTimeout
	}
	if c.upgradeTimeout <= 0 {
		c.upgradeTimeout = DefaultUpgradeTimeout
	}
	if c.maxPayload <= 0 {
		c.maxPayload = DefaultMaxPayload
	}
	if c.bodyTimeout <= 0 {
		c.bodyTimeout = DefaultHTTPRequestBodyTimeout
	}
	if c.maxBodyChunks <= 0 {
		c.maxBodyChunks = DefaultMaxBufferedChunks
	}
	if c.sendQueueSize <= 0 {
		c.sendQueueSize = DefaultSendQueueSize
	}
	if c.recvQueueSize <= 0 {
		c.recvQueueSize = DefaultReceiveQueueSize
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if len(o.Transports) == 0 {
		c.polling, c.websocket = true, true
	} else {
		c.polling = slices.Contains(o.Transports, TransportPolling)
		c.websocket = slices.Contains(o.Transports, TransportWebSocket)
	}
	if o.CORS != nil {
		cors := *o.CORS
		cors.Origins = slices.Clone(cors.Origins)
		cors.Methods = slices.Clone(cors.Methods)
		cors.AllowedHeaders = slices.Clone(cors.AllowedHeaders)
		cors.ExposedHeaders = slices.Clone(cors.ExposedHeaders)
		c.cors = &cors
	}
	if o.Cookie != nil {
		ck := *o.Cookie
		if ck.Name == "" {
			ck.Name = "io"
		}
		if ck.Path == "" {
			ck.Path = "/"
		}
		if ck.SameSite == 0 {
			ck.SameSite = http.SameSiteLaxMode
		}
		c.cookie = &ck
	}
	if hc := o.HTTPCompression; hc != nil {
		switch {
		case hc.Disable:
			c.compressThreshold = 0
		case hc.Threshold > 0:
			c.compressThreshold = hc.Threshold
		}
	}
	return c
}

// upgrades is the "upgrades" list of the open packet for a session that
// starts on the given transport.
func (c *config) upgrades(transport string) []string {
	if transport == TransportPolling && c.websocket && c.allowUpgrades {
		return []string{TransportWebSocket}
	}
	return []string{}
}

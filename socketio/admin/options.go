package admin

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Mode says how much the Admin UI is told, as the Node.js package's mode
// option.
type Mode string

// The modes.
const (
	// Development sends every socket's details (id, client, transport,
	// handshake with its headers and query, rooms, data), the socket and
	// room events, and, with the ALL_EVENTS feature, every event received
	// and sent with its arguments. It is the Node package's default (when
	// NODE_ENV is not set) and this package's.
	Development Mode = "development"
	// Production sends only the server stats and the aggregated counts
	// (connections, disconnections, packets and bytes per second): no
	// per-socket detail, no per-event work on the hot path.
	Production Mode = "production"
)

// Defaults of Options.
const (
	// DefaultNamespace is the admin namespace's name, as Node's.
	DefaultNamespace = "/admin"
	// DefaultMaxSessions bounds the remembered login sessions; the oldest
	// is forgotten first.
	DefaultMaxSessions = 1000
	// DefaultSessionTTL is how long a login session is remembered: a day,
	// as the Node package's Redis store keeps one.
	DefaultSessionTTL = 24 * time.Hour
	// DefaultMaxNameLength bounds, in bytes, the namespace, room, filter
	// and event names of the UI's commands.
	DefaultMaxNameLength = 256
	// DefaultMaxEmitArgs bounds the arguments of the UI's emit command.
	DefaultMaxEmitArgs = 16
	// DefaultQueueBytes bounds the events waiting to be sent to the UIs
	// (socket and room events, and the arguments of the events relayed
	// with ALL_EVENTS): beyond it new ones are dropped and counted.
	DefaultQueueBytes = 8 << 20
	// DefaultMaxDataBytes bounds the JSON of one socket's data sent to the
	// UI; a larger one is sent as {"_truncated": N} with N its size.
	DefaultMaxDataBytes = 16 << 10
)

// StatsInterval is the period of the server_stats event, as Node's.
const StatsInterval = 2 * time.Second

// BasicAuth is the UI's login: a user name and the bcrypt hash of its
// password (as `htpasswd -bnBC 10 "" password | tr -d ':\n'` or
// bcrypt.GenerateFromPassword make it; $2a$, $2b$ and $2y$ hashes).
type BasicAuth struct {
	// Username is the user name the UI must send.
	Username string
	// PasswordHash is the bcrypt hash of the password the UI must send.
	PasswordHash string
}

// Options configures an [Admin]. [New] copies them.
type Options struct {
	// Namespace is the admin namespace's name; default DefaultNamespace.
	Namespace string
	// Auth is the UI's login. Nil requires NoAuth, as the Node package
	// requires auth: false, so that no server is left open by mistake.
	Auth *BasicAuth
	// NoAuth lets anyone who reaches the server join the admin namespace:
	// see every socket's handshake and, unless ReadOnly, emit to,
	// move and disconnect any socket.
	NoAuth bool
	// ReadOnly advertises and accepts none of the UI's commands (emit,
	// join, leave, disconnect).
	ReadOnly bool
	// Cluster makes the servers of a cluster (sharing the admin namespace
	// through a cluster adapter, such as socketio/redisadapter) one view,
	// as the Node package: every node sends its stats and its sockets'
	// events to the UIs of every node, through the adapter, while a UI is
	// connected anywhere (each node counts them every StatsInterval), and
	// all_sockets lists every node's sockets (FetchSockets). Give each
	// node its own ServerID. Off, the UI sees the node it is connected to.
	Cluster bool
	// ServerID names this server in the UI; default the host name, and
	// with Cluster "hostname#pid".
	ServerID string
	// Mode is Development (the default) or Production.
	Mode Mode
	// MaxSessions bounds the remembered login sessions; default
	// DefaultMaxSessions.
	MaxSessions int
	// SessionTTL is how long a login session is valid; default
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// MaxNameLength bounds the names in the UI's commands; default
	// DefaultMaxNameLength.
	MaxNameLength int
	// MaxEmitArgs bounds the arguments of the UI's emit command; default
	// DefaultMaxEmitArgs.
	MaxEmitArgs int
	// QueueBytes bounds the events waiting to be sent to the UIs; default
	// DefaultQueueBytes.
	QueueBytes int
	// MaxDataBytes bounds the JSON of a socket's data sent to the UI;
	// default DefaultMaxDataBytes.
	MaxDataBytes int
	// Logger receives the commands the UIs run and the logins refused;
	// nil means slog.Default().
	Logger *slog.Logger
}

// Errors of New.
var (
	// ErrNoAuth: neither Auth nor NoAuth was set.
	ErrNoAuth = errors.New("admin: Options.Auth must be set, or Options.NoAuth to run without authentication")
	// ErrBadHash: Auth.PasswordHash is not a bcrypt hash.
	ErrBadHash = errors.New("admin: Options.Auth.PasswordHash must be a bcrypt hash")
)

// withDefaults returns a copy of o with its defaults, or an error.
func (o *Options) withDefaults() (Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	switch {
	case c.Auth == nil && !c.NoAuth:
		return c, ErrNoAuth
	case c.Auth != nil && c.NoAuth:
		return c, errors.New("admin: Options.Auth and Options.NoAuth are both set")
	case c.Auth != nil:
		if _, err := bcrypt.Cost([]byte(c.Auth.PasswordHash)); err != nil {
			return c, fmt.Errorf("%w: %v", ErrBadHash, err)
		}
		a := *c.Auth
		c.Auth = &a
	}
	switch c.Mode {
	case "":
		c.Mode = Development
	case Development, Production:
	default:
		return c, fmt.Errorf("admin: unknown Options.Mode %q (want %q or %q)", c.Mode, Development, Production)
	}
	if c.Namespace == "" {
		c.Namespace = DefaultNamespace
	}
	if c.Namespace[0] != '/' {
		c.Namespace = "/" + c.Namespace
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxSessions, DefaultMaxSessions)
	def(&c.MaxNameLength, DefaultMaxNameLength)
	def(&c.MaxEmitArgs, DefaultMaxEmitArgs)
	def(&c.QueueBytes, DefaultQueueBytes)
	def(&c.MaxDataBytes, DefaultMaxDataBytes)
	if c.SessionTTL <= 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

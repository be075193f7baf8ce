package engineio

import (
	"crypto/sha256"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultMaxLimitKeys is the default of LimitOptions.MaxKeys.
const DefaultMaxLimitKeys = 100_000

// LimitOptions bounds what one client may open: handshakes per second (a
// token bucket) and sessions at a time, counted per key, by default the
// client's IP address (see [RemoteIPKey]). Set it in Options.Limits; nil,
// the default, limits nothing.
//
// A handshake beyond a limit is refused like one refused by
// Options.AllowRequest: HTTP 403 with {"code":4,"message":"..."} (code
// [CodeForbidden]), or, for a handshake made directly over WebSocket,
// HTTP 400 with the message as text before any upgrade, as Node's
// engine.io answers a refused upgrade. The message says which limit:
// "Rate limited", "Too many connections" or "Too many clients"
// ([LimitReason]). The limits are checked after the request was
// otherwise verified and before AllowRequest, so that a flood does not
// reach an expensive AllowRequest.
//
// Only handshakes are limited: the requests of an open session (polls,
// POSTs, the upgrade to WebSocket) are not, and an upgraded session still
// counts once.
type LimitOptions struct {
	// HandshakesPerSecond is the rate at which one key's handshakes are
	// accepted on average; 0 (the default) means no rate limit.
	HandshakesPerSecond float64
	// HandshakeBurst is how many handshakes one key may make at once (the
	// bucket's size). Default HandshakesPerSecond rounded up, at least 1.
	HandshakeBurst int
	// MaxConnections bounds the open sessions of one key. A session counts
	// from its handshake until it closes, whatever its transport; one whose
	// WebSocket handshake failed, or that never polled again (closed by
	// the ping timeout), is released then. 0 (the default) means no bound.
	MaxConnections int
	// Key returns the key a handshake request is counted under. Default
	// [RemoteIPKey]. Behind a reverse proxy, return the client address the
	// proxy sets (e.g. the last X-Forwarded-For entry your proxy appends),
	// and only when the request came through that proxy; or key on an API
	// key or user. A request for which Key returns "" is not limited. Key
	// runs on the request's goroutine, concurrently for different
	// requests, and must not block. A key longer than 64 bytes is kept as
	// its SHA-256 hash.
	Key func(r *http.Request) string
	// MaxKeys bounds the keys tracked at a time (the memory the limits
	// take: about 300 bytes a key, see docs/limits.md). A key is tracked
	// while it has open sessions, and, with a rate limit, until its
	// bucket has refilled (HandshakeBurst/HandshakesPerSecond after its
	// last handshake); then it is forgotten. When MaxKeys keys are tracked and a new key
	// handshakes, the key idle longest (no open session) is forgotten,
	// which forgives it the rest of its wait; when every tracked key has
	// open sessions, the handshake is refused ([LimitKeys], "Too many
	// clients"). Default DefaultMaxLimitKeys.
	MaxKeys int
}

// LimitReason says which limit of [LimitOptions] refused a handshake. It
// is the label Observer.HandshakeLimited reports.
type LimitReason string

// The reasons a handshake is refused by LimitOptions.
const (
	// LimitRate: the key made more than HandshakesPerSecond handshakes
	// (beyond HandshakeBurst). Message "Rate limited".
	LimitRate LimitReason = "rate_limited"
	// LimitConnections: the key has MaxConnections open sessions already.
	// Message "Too many connections".
	LimitConnections LimitReason = "too_many_connections"
	// LimitKeys: MaxKeys keys are tracked, each with open sessions, and
	// the request's key is not one of them. Message "Too many clients".
	LimitKeys LimitReason = "too_many_clients"
)

// message is the refusal's message.
func (r LimitReason) message() string {
	switch r {
	case LimitRate:
		return "Rate limited"
	case LimitConnections:
		return "Too many connections"
	default:
		return "Too many clients"
	}
}

// maxKeyLen is the longest key the limiter keeps as it is (see admit).
const maxKeyLen = 64

// RemoteIPKey is the default LimitOptions.Key: the IP address of
// r.RemoteAddr, with an IPv6 address cut to its /64 prefix (one host
// usually has a whole /64 to pick addresses from). It returns
// r.RemoteAddr itself when it is not "host:port" with an IP host.
func RemoteIPKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return host
	case ip.To4() != nil:
		return ip.To4().String()
	default:
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
}

// limiter enforces LimitOptions. Lock order: Session.mu, then limiter.mu
// (a session releases its lease while closing, in Server.remove after
// Server.mu was released); limiter.mu is held for map and list updates
// only, never across a call out (Key runs before it is taken).
type limiter struct {
	rate     rate.Limit // 0: no rate limit
	burst    int
	maxConns int // 0: no bound
	maxKeys  int
	key      func(*http.Request) string
	// refill is the time an empty bucket takes to fill: an entry with no
	// session and no handshake for that long is as good as none.
	refill time.Duration

	mu      sync.Mutex             // guards entries, idle and every entry's conns, last, links and leases' released
	entries map[string]*limitEntry // the tracked keys
	idle    limitEntry             // sentinel of the list of entries with no session, least recently used first
}

// limitEntry is the state of one key.
type limitEntry struct {
	key        string
	bucket     *rate.Limiter // nil without a rate limit
	conns      int           // open sessions (with MaxConnections)
	last       time.Time     // last handshake taken, or session released
	prev, next *limitEntry   // in limiter.idle while conns == 0
}

// limitLease is one session's place in its key's MaxConnections.
type limitLease struct {
	e        *limitEntry
	released bool
}

// newLimiter returns the limiter of o, or nil when o limits nothing.
func newLimiter(o *LimitOptions) *limiter {
	if o == nil || (o.HandshakesPerSecond <= 0 && o.MaxConnections <= 0) {
		return nil
	}
	l := &limiter{
		maxConns: max(o.MaxConnections, 0),
		maxKeys:  o.MaxKeys,
		key:      o.Key,
		entries:  make(map[string]*limitEntry),
	}
	if l.maxKeys <= 0 {
		l.maxKeys = DefaultMaxLimitKeys
	}
	if l.key == nil {
		l.key = RemoteIPKey
	}
	if o.HandshakesPerSecond > 0 {
		l.rate = rate.Limit(o.HandshakesPerSecond)
		l.burst = o.HandshakeBurst
		if l.burst <= 0 {
			l.burst = max(1, int(math.Ceil(o.HandshakesPerSecond)))
		}
		l.refill = time.Duration(math.Ceil(float64(l.burst) / o.HandshakesPerSecond * float64(time.Second)))
	}
	l.idle.prev, l.idle.next = &l.idle, &l.idle
	return l
}

// admit takes a handshake of r: a token of its key's bucket and a place in
// its MaxConnections. It returns the place to release when the session
// ends (nil when there is none to release), or the limit that refused r.
func (l *limiter) admit(r *http.Request, now time.Time) (*limitLease, LimitReason) {
	key := l.key(r)
	if key == "" {
		return nil, ""
	}
	if len(key) > maxKeyLen {
		// A long key (one taken from a header) is kept as its hash: the
		// table's memory stays bounded, and distinct keys stay apart.
		sum := sha256.Sum256([]byte(key))
		key = string(sum[:])
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expireLocked(now)
	e := l.entries[key]
	if e == nil {
		if len(l.entries) >= l.maxKeys {
			oldest := l.idle.next
			if oldest == &l.idle {
				return nil, LimitKeys
			}
			l.forgetLocked(oldest)
		}
		e = &limitEntry{key: strings.Clone(key)} // not a slice of a request's header
		if l.rate > 0 {
			e.bucket = rate.NewLimiter(l.rate, l.burst) // full: a new key may burst
		}
		l.entries[key] = e
		l.pushIdleLocked(e)
	}
	if l.maxConns > 0 && e.conns >= l.maxConns {
		return nil, LimitConnections
	}
	if l.rate > 0 && !e.bucket.AllowN(now, 1) {
		return nil, LimitRate
	}
	e.last = now
	if l.maxConns == 0 {
		l.touchLocked(e)
		return nil, ""
	}
	if e.conns == 0 {
		unlink(e)
	}
	e.conns++
	return &limitLease{e: e}, ""
}

// release gives back a session's place; it does nothing when lease is nil
// or was released already, or l is nil (no limits).
func (l *limiter) release(lease *limitLease, now time.Time) {
	if l == nil || lease == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if lease.released {
		return
	}
	lease.released = true
	e := lease.e
	e.conns--
	if e.conns > 0 {
		return
	}
	if l.rate == 0 {
		delete(l.entries, e.key) // nothing more to remember
		return
	}
	e.last = now
	l.pushIdleLocked(e)
}

// expireLocked forgets the entries whose bucket is full again and that
// have no session: the idle list is in order of last use.
func (l *limiter) expireLocked(now time.Time) {
	for e := l.idle.next; e != &l.idle && now.Sub(e.last) >= l.refill; e = l.idle.next {
		l.forgetLocked(e)
	}
}

func (l *limiter) forgetLocked(e *limitEntry) {
	unlink(e)
	delete(l.entries, e.key)
}

// touchLocked moves an idle entry to the end of the list.
func (l *limiter) touchLocked(e *limitEntry) {
	unlink(e)
	l.pushIdleLocked(e)
}

func (l *limiter) pushIdleLocked(e *limitEntry) {
	e.prev, e.next = l.idle.prev, &l.idle
	l.idle.prev.next = e
	l.idle.prev = e
}

// unlink takes e out of the idle list, if it is in it.
func unlink(e *limitEntry) {
	if e.prev != nil {
		e.prev.next = e.next
		e.next.prev = e.prev
		e.prev, e.next = nil, nil
	}
}

// tracked returns the number of keys tracked, for tests.
func (l *limiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

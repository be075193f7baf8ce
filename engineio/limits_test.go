package engineio

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// keyHeader is the LimitOptions.Key of these tests: the X-Key header, else
// the default key (all in-memory clients share "pipe").
func keyHeader(r *http.Request) string {
	if k := r.Header.Get("X-Key"); k != "" {
		return k
	}
	return RemoteIPKey(r)
}

// limitLog records what the observer is told of refusals.
type limitLog struct {
	// denied is the number of handshakes a test expects AllowRequest to
	// refuse (also with CodeForbidden).
	denied int

	mu      sync.Mutex
	limited []LimitReason
	refused []ErrorCode
}

func (l *limitLog) observer() *Observer {
	return &Observer{
		HandshakeLimited: func(r LimitReason) {
			l.mu.Lock()
			l.limited = append(l.limited, r)
			l.mu.Unlock()
		},
		RequestRefused: func(c ErrorCode) {
			l.mu.Lock()
			l.refused = append(l.refused, c)
			l.mu.Unlock()
		},
	}
}

// check fails the test unless the observer saw exactly want, each also
// reported as a request refused with CodeForbidden. (Polls of closed
// sessions are refused with other codes.)
func (l *limitLog) check(t *testing.T, want ...LimitReason) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Equal(l.limited, want) {
		t.Errorf("HandshakeLimited got %v, want %v", l.limited, want)
	}
	forbidden := 0
	for _, c := range l.refused {
		if c == CodeForbidden {
			forbidden++
		}
	}
	if forbidden != len(want)+l.denied {
		t.Errorf("RequestRefused got %v, want %d times %v", l.refused, len(want)+l.denied, CodeForbidden)
	}
}

// newLimitEnv starts an in-memory server (for synctest bubbles) with lim,
// keyed by keyHeader.
func newLimitEnv(t *testing.T, lim LimitOptions, log *limitLog, opts ...func(*Options)) *env {
	lim.Key = keyHeader
	o := &Options{Limits: &lim, Observer: log.observer()}
	for _, f := range opts {
		f(o)
	}
	return newEnv(t, envOptions{opts: o, inMemory: true})
}

// handshakeAs makes a handshake over m's first transport, with X-Key: key
// unless key is empty, and returns the response's status and body (101 and
// "" for an accepted WebSocket, which the test's end closes). A session it
// opens is left to the server's ping timeout or Shutdown.
func (e *env) handshakeAs(m mode, key string) (int, string) {
	e.t.Helper()
	hdr := http.Header{}
	if key != "" {
		hdr.Set("X-Key", key)
	}
	if m == modeWebSocket {
		ws, res, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket"), hdr)
		if err == nil {
			e.t.Cleanup(func() { _ = ws.Close() })
			return http.StatusSwitchingProtocols, ""
		}
		if res == nil {
			e.t.Fatalf("dial: %v", err)
		}
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	status, body := e.do(http.MethodGet, "EIO=4&transport=polling", nil, hdr)
	return status, string(body)
}

// wantRefused fails the test unless a handshake over m as key is refused
// with message msg: HTTP 403 and Engine.IO's JSON error with code 4, or
// for a WebSocket handshake HTTP 400 and the message, before the upgrade
// (as Node's engine.io refuses an upgrade).
func (e *env) wantRefused(m mode, key, msg string) {
	e.t.Helper()
	status, body := e.handshakeAs(m, key)
	wantStatus, wantBody := http.StatusForbidden, fmt.Sprintf(`{"code":4,"message":%q}`, msg)
	if m == modeWebSocket {
		wantStatus, wantBody = http.StatusBadRequest, msg
	}
	if status != wantStatus || body != wantBody {
		e.t.Errorf("handshake as %q: %d %q, want %d %q", key, status, body, wantStatus, wantBody)
	}
}

// wantAccepted fails the test unless a handshake over m as key opens a
// session.
func (e *env) wantAccepted(m mode, key string) {
	e.t.Helper()
	status, body := e.handshakeAs(m, key)
	if status != http.StatusOK && status != http.StatusSwitchingProtocols {
		e.t.Errorf("handshake as %q: %d %q, want a session", key, status, body)
	}
}

// TestLimitsHandshakeRate: a key's handshakes beyond HandshakeBurst are
// refused until its bucket refills at HandshakesPerSecond; the upgrade of
// a polling session is no handshake; other keys are unaffected.
func TestLimitsHandshakeRate(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			var log limitLog
			// A token every 10 s: an upgrade takes (fake) time too.
			e := newLimitEnv(t, LimitOptions{HandshakesPerSecond: 0.1, HandshakeBurst: 3}, &log)
			start := time.Now()
			for range 3 {
				e.dial(m) // the burst; modeUpgrade's upgrades pass with an empty bucket
			}
			e.wantRefused(m, "", "Rate limited")
			e.wantAccepted(m, "other") // another client
			time.Sleep(time.Until(start.Add(9999 * time.Millisecond)))
			e.wantRefused(m, "", "Rate limited")
			time.Sleep(time.Millisecond) // one token
			e.dial(m)
			e.wantRefused(m, "", "Rate limited")
			time.Sleep(time.Hour) // refilled to the burst, no more
			for range 3 {
				e.dial(m)
			}
			e.wantRefused(m, "", "Rate limited")
			log.check(t, LimitRate, LimitRate, LimitRate, LimitRate)
		})
	})
}

// TestLimitsMaxConnections: a key with MaxConnections open sessions is
// refused another until one closes, however it closes; other keys are
// unaffected; an upgraded session counts once.
func TestLimitsMaxConnections(t *testing.T) {
	ends := []struct {
		name string
		end  func(c *client, s *Session)
	}{
		{"client close packet", func(c *client, s *Session) { _ = c.sendPacket(packet{typ: typeClose}) }},
		{"server close", func(c *client, s *Session) { s.Close() }},
		{"client gone", func(c *client, s *Session) { c.close() }}, // WebSocket closed; a poller's ping timeout
	}
	for _, end := range ends {
		t.Run(end.name, func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				synctest.Test(t, func(t *testing.T) {
					var log limitLog
					e := newLimitEnv(t, LimitOptions{MaxConnections: 2}, &log)
					c1 := e.dial(m)
					s1 := e.session()
					e.dial(m)
					e.session()
					e.wantRefused(m, "", "Too many connections")
					e.wantAccepted(m, "other")
					e.session()
					end.end(c1, s1)
					// "other", which never polls, may time out first.
					for e.closed().sid != s1.ID() {
					}
					e.dial(m) // the place s1 released
					e.session()
					e.wantRefused(m, "", "Too many connections")
					log.check(t, LimitConnections, LimitConnections)
					if n := e.srv.limits.conns("pipe"); n != 2 {
						t.Errorf("%d sessions counted, want 2", n)
					}
				})
			})
		})
	}
}

// TestLimitsReleasedOnce: a handshake refused after the limits admitted
// it, a WebSocket handshake that fails, and a polling session whose
// upgrades fail, each give their place back exactly once.
func TestLimitsReleasedOnce(t *testing.T) {
	deny := func(o *Options) {
		o.AllowRequest = func(r *http.Request) error {
			if r.Header.Get("X-Deny") != "" {
				return fmt.Errorf("denied")
			}
			return nil
		}
		o.UpgradeTimeout = time.Second
	}
	tests := []struct {
		name string
		fail func(t *testing.T, e *env)
	}{
		{"AllowRequest refused", func(t *testing.T, e *env) {
			if status, body := e.do(http.MethodGet, "EIO=4&transport=polling", nil, http.Header{"X-Deny": {"1"}}); status != http.StatusForbidden {
				t.Errorf("denied handshake: %d %s", status, body)
			}
		}},
		{"protocol version", func(t *testing.T, e *env) {
			if status, body := e.get("EIO=3&transport=polling"); status != http.StatusBadRequest {
				t.Errorf("EIO=3 handshake: %d %s", status, body)
			}
		}},
		{"websocket handshake failed", func(t *testing.T, e *env) {
			// An upgrade request without Sec-WebSocket-Key: verified, then
			// refused by the WebSocket upgrader.
			hdr := http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Version": {"13"}}
			if status, body := e.do(http.MethodGet, "EIO=4&transport=websocket", nil, hdr); status != http.StatusBadRequest {
				t.Errorf("bad WebSocket handshake: %d %s", status, body)
			}
		}},
		{"upgrades failed", func(t *testing.T, e *env) {
			c := e.dial(modePolling)
			s := e.session()
			probe := e.dialWebSocket(t, c.sid) // closed after its probe
			exchangeProbe(t, probe)
			_ = probe.Close()
			synctest.Wait()                      // the server saw the probe go
			stalled := e.dialWebSocket(t, c.sid) // never completes: UpgradeTimeout
			exchangeProbe(t, stalled)
			time.Sleep(2 * time.Second)
			if s.Transport() != TransportPolling {
				t.Fatalf("transport %s after failed upgrades", s.Transport())
			}
			if err := c.sendPacket(packet{typ: typeClose}); err != nil {
				t.Fatal(err)
			}
			e.closed()
			c.close()
		}},
	}
	denied := map[string]int{"AllowRequest refused": 3}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				log := limitLog{denied: denied[tt.name]}
				e := newLimitEnv(t, LimitOptions{MaxConnections: 1}, &log, deny)
				for range 3 {
					tt.fail(t, e)
				}
				synctest.Wait()
				if n := e.srv.limits.tracked(); n != 0 {
					t.Errorf("%d keys tracked after the failures, want 0", n)
				}
				// Exactly one place: released twice, there would be two.
				c := e.dial(modePolling)
				e.session()
				e.wantRefused(modePolling, "", "Too many connections")
				if err := c.sendPacket(packet{typ: typeClose}); err != nil {
					t.Fatal(err)
				}
				e.closed()
				if n := e.srv.limits.tracked(); n != 0 {
					t.Errorf("%d keys tracked after the last close, want 0", n)
				}
				log.check(t, LimitConnections)
			})
		})
	}
}

// TestLimitsMaxKeys: when MaxKeys keys with open sessions are tracked, a
// new key is refused ("Too many clients") until one of them has none.
func TestLimitsMaxKeys(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			var log limitLog
			e := newLimitEnv(t, LimitOptions{MaxConnections: 5, MaxKeys: 2}, &log)
			c := e.dial(m) // key "pipe"
			s := e.session()
			e.wantAccepted(m, "a")
			e.wantRefused(m, "b", "Too many clients")
			e.wantAccepted(m, "a") // a tracked key is not refused
			s.Close()
			e.closed()
			c.close()
			e.wantAccepted(m, "b") // "pipe" has no session left
			if n := e.srv.limits.tracked(); n != 2 {
				t.Errorf("%d keys tracked, want 2", n)
			}
			log.check(t, LimitKeys)
		})
	})
}

// conns returns the sessions counted for key.
func (l *limiter) conns(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.entries[key]; e != nil {
		return e.conns
	}
	return 0
}

// TestLimiterKeys checks the limiter's table of keys: its bound, which
// keys it forgets, and when.
func TestLimiterKeys(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	req := func(key string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("X-Key", key)
		return r
	}
	tests := []struct {
		name string
		opts LimitOptions
		run  func(t *testing.T, l *limiter)
	}{
		{"idle keys make room, oldest first", LimitOptions{HandshakesPerSecond: 1, MaxConnections: 1, MaxKeys: 3}, func(t *testing.T, l *limiter) {
			la, _ := l.admit(req("a"), t0)
			lb, _ := l.admit(req("b"), t0)
			l.admit(req("c"), t0)
			l.release(la, t0)
			l.release(lb, t0)
			if _, r := l.admit(req("d"), t0); r != "" {
				t.Fatalf("d refused: %s", r)
			}
			// a was forgotten to make room for d, its empty bucket with it.
			if _, r := l.admit(req("a"), t0); r != "" {
				t.Errorf("forgotten a refused: %s", r)
			}
			if n := l.tracked(); n != 3 {
				t.Errorf("%d keys tracked, want 3", n)
			}
		}},
		{"every key has sessions", LimitOptions{MaxConnections: 1, MaxKeys: 3}, func(t *testing.T, l *limiter) {
			la, _ := l.admit(req("a"), t0)
			l.admit(req("b"), t0)
			l.admit(req("c"), t0)
			if _, r := l.admit(req("d"), t0); r != LimitKeys {
				t.Errorf("d: %q, want %q", r, LimitKeys)
			}
			l.release(la, t0)
			if _, r := l.admit(req("d"), t0); r != "" {
				t.Errorf("d after a released: %q", r)
			}
		}},
		{"idle keys expire once their bucket is full", LimitOptions{HandshakesPerSecond: 1, HandshakeBurst: 2}, func(t *testing.T, l *limiter) {
			l.admit(req("a"), t0)
			l.admit(req("b"), t0.Add(time.Second))
			l.admit(req("c"), t0.Add(2*time.Second)) // a's bucket is full: forgotten
			if n := l.tracked(); n != 2 {
				t.Errorf("%d keys tracked, want 2 (b, c)", n)
			}
			l.admit(req("c"), t0.Add(10*time.Second))
			if n := l.tracked(); n != 1 {
				t.Errorf("%d keys tracked, want 1 (c)", n)
			}
		}},
		{"without a rate, a key goes with its last session", LimitOptions{MaxConnections: 2}, func(t *testing.T, l *limiter) {
			la, _ := l.admit(req("a"), t0)
			la2, _ := l.admit(req("a"), t0)
			l.release(la, t0)
			l.release(la, t0) // once only
			if n := l.tracked(); n != 1 {
				t.Errorf("%d keys tracked, want 1", n)
			}
			l.release(la2, t0)
			if n := l.tracked(); n != 0 {
				t.Errorf("%d keys tracked, want 0", n)
			}
		}},
		{"a flood of new keys stays bounded", LimitOptions{HandshakesPerSecond: 0.001, MaxKeys: 100}, func(t *testing.T, l *limiter) {
			for i := range 10_000 {
				if _, r := l.admit(req(fmt.Sprint("k", i)), t0); r != "" {
					t.Fatalf("key %d refused: %s", i, r)
				}
				if n := l.tracked(); n > 100 {
					t.Fatalf("%d keys tracked, over MaxKeys", n)
				}
			}
			if _, r := l.admit(req("k9999"), t0); r != LimitRate {
				t.Errorf("the last key again: %q, want %q", r, LimitRate)
			}
		}},
		{"long keys are kept hashed, apart", LimitOptions{MaxConnections: 1}, func(t *testing.T, l *limiter) {
			long := strings.Repeat("k", 1<<20) // a header's worth
			if _, r := l.admit(req(long+"a"), t0); r != "" {
				t.Fatalf("refused: %s", r)
			}
			if _, r := l.admit(req(long+"b"), t0); r != "" {
				t.Errorf("another long key with the same prefix refused: %s", r)
			}
			if _, r := l.admit(req(long+"a"), t0); r != LimitConnections {
				t.Errorf("the same long key again: %q, want %q", r, LimitConnections)
			}
			l.mu.Lock()
			defer l.mu.Unlock()
			for k := range l.entries {
				if len(k) > maxKeyLen {
					t.Errorf("a key of %d bytes kept", len(k))
				}
			}
		}},
		{"an empty key is not limited", LimitOptions{HandshakesPerSecond: 0.001, MaxConnections: 1}, func(t *testing.T, l *limiter) {
			l.key = func(*http.Request) string { return "" }
			for range 3 {
				if lease, r := l.admit(req(""), t0); lease != nil || r != "" {
					t.Fatalf("admit = %v, %q", lease, r)
				}
			}
			if n := l.tracked(); n != 0 {
				t.Errorf("%d keys tracked", n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Key = keyHeader
			tt.run(t, newLimiter(&tt.opts))
		})
	}
}

// TestNewLimiterOff: options that limit nothing make no limiter.
func TestNewLimiterOff(t *testing.T) {
	for _, o := range []*LimitOptions{nil, {}, {MaxKeys: 5, HandshakeBurst: 3}} {
		if l := newLimiter(o); l != nil {
			t.Errorf("newLimiter(%+v) = %+v, want nil", o, l)
		}
	}
}

func TestRemoteIPKey(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"192.0.2.7:1234", "192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.7]:80", "192.0.2.7"},
		{"pipe", "pipe"},
		{"host.example:80", "host.example"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := RemoteIPKey(&http.Request{RemoteAddr: tt.addr}); got != tt.want {
				t.Errorf("RemoteIPKey(%q) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}

// BenchmarkLimiterAdmit measures a handshake's check: "new keys" admits a
// new key each time (at the MaxKeys bound, forgetting the oldest: its
// B/op is the memory a tracked key takes), "one key" the same key.
func BenchmarkLimiterAdmit(b *testing.B) {
	reqs := make([]*http.Request, 1<<16)
	for i := range reqs {
		reqs[i] = &http.Request{RemoteAddr: fmt.Sprintf("10.%d.%d.%d:1234", i>>16, i>>8&255, i&255)}
	}
	b.Run("new keys", func(b *testing.B) {
		l := newLimiter(&LimitOptions{HandshakesPerSecond: 1, MaxConnections: 10, MaxKeys: len(reqs) / 2})
		now := time.Now()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			lease, _ := l.admit(reqs[i%len(reqs)], now)
			l.release(lease, now)
		}
	})
	b.Run("one key", func(b *testing.B) {
		l := newLimiter(&LimitOptions{HandshakesPerSecond: 1e9, MaxConnections: 10})
		now := time.Now()
		b.ReportAllocs()
		for b.Loop() {
			lease, _ := l.admit(reqs[0], now)
			l.release(lease, now)
		}
	})
}

// TestLimitsReleasedWhenDraining: a handshake refused with 503 because the
// server drains had taken its place in the limits first (the limits come
// before the drain's check); the place must be given back, or the key
// stays tracked, holding a connection that does not exist.
func TestLimitsReleasedWhenDraining(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log limitLog
		e := newLimitEnv(t, LimitOptions{MaxConnections: 2}, &log)
		if err := e.srv.Drain(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if status, body := e.get("EIO=4&transport=polling"); status != http.StatusServiceUnavailable {
				t.Errorf("handshake while draining: %d %s", status, body)
			}
		}
		if n := e.srv.limits.tracked(); n != 0 {
			t.Errorf("%d keys tracked after handshakes refused by the drain, want 0", n)
		}
		log.check(t)
	})
}

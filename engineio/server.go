package engineio

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Server is an Engine.IO server: an http.Handler answering the requests
// under Options.Path. Create it with NewServer.
type Server struct {
	cfg      *config
	upgrader websocket.Upgrader
	cl       *clusterNode // nil without Options.Cluster
	limits   *limiter     // nil without Options.Limits

	// mu guards the fields below.
	mu           sync.Mutex
	sessions     map[string]*Session
	onConnection func(*Session)
	shutdown     bool
	// empty, made by the first Drain or Shutdown, is closed once no
	// session is left (emptied says it was).
	empty   chan struct{}
	emptied bool
}

// NewServer returns a Server configured by opts (nil means the defaults).
// opts is copied.
func NewServer(opts *Options) *Server {
	cfg := newConfig(opts)
	s := &Server{cfg: cfg, sessions: make(map[string]*Session), limits: newLimiter(cfg.limits)}
	s.upgrader = websocket.Upgrader{
		// Reads use the small buffer acceptWebSocket supplies; writes
		// borrow pooled buffers only while writing.
		WriteBufferSize:   wsWriteBufferSize,
		WriteBufferPool:   &wsWritePool,
		EnableCompression: cfg.perMessageDeflate,
		// The origin was checked before the upgrade (see checkOrigin).
		CheckOrigin: func(*http.Request) bool { return true },
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			http.Error(w, "engineio: "+reason.Error(), status)
		},
	}
	if cfg.cluster != nil {
		s.cl = newClusterNode(s, cfg.cluster)
		cfg.cluster.bus.Handle(s.cl.onMessage)
	}
	return s
}

// session returns the open session sid, or nil.
func (s *Server) session(sid string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[sid]
}

// OnConnection sets the function called for every new session, once, right
// after the handshake and before any of the session's messages is
// delivered. Set it before serving. fn typically sets the session's
// OnMessage and OnClose handlers.
func (s *Server) OnConnection(fn func(*Session)) {
	s.mu.Lock()
	s.onConnection = fn
	s.mu.Unlock()
}

// Count returns the number of open sessions.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown stops accepting new sessions, closes every session with a close
// packet (reason ReasonServerShutdown) and waits until all of them are
// closed and their OnClose handlers have returned, or ctx is done. When ctx
// ends first, the remaining sessions are closed without waiting for their
// clients and ctx's error is returned. It is [Server.Drain] closing every
// session at once; Drain spreads the closes over a period.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.Drain(ctx, nil)
}

// ServeHTTP answers Engine.IO requests: handshakes, long-polling GET and
// POST requests and WebSocket upgrades. Requests outside Options.Path get
// 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, s.cfg.path) {
		http.NotFound(w, r)
		return
	}
	setNoSniff(w.Header())
	if s.cfg.cors != nil {
		if s.cfg.applyCORS(w, r) {
			return // preflight answered
		}
	}
	upgrade := websocket.IsWebSocketUpgrade(r)
	q := r.URL.Query()
	sess, lease, rerr := s.verify(r, q, upgrade)
	if rerr == errRemoteSession {
		// Another node may own it (Options.Cluster).
		if s.cl.serveRemote(w, r, first(q["sid"]), upgrade) {
			return
		}
		rerr = refuse(CodeUnknownSID)
	}
	if rerr != nil {
		if f := s.cfg.obs.RequestRefused; f != nil {
			f(rerr.Code)
		}
		writeRefusal(w, rerr, upgrade)
		return
	}
	switch {
	case sess == nil:
		if s.shuttingDown() {
			s.limits.release(lease, time.Now())
			s.refuseShuttingDown(w)
			return
		}
		s.handshake(w, r, upgrade, lease)
	case upgrade:
		sess.serveUpgrade(w, r)
	default:
		sess.servePolling(w, r)
	}
}

// verify checks a request in the order of the Node.js server and returns
// the session it names, or nil for a handshake, with the handshake's place
// in Options.Limits (see admit).
func (s *Server) verify(r *http.Request, q map[string][]string, upgrade bool) (*Session, *limitLease, *RequestError) {
	sess, rerr := s.verifySession(r, q, upgrade)
	if sess != nil || rerr != nil {
		return sess, nil, rerr
	}
	lease, rerr := s.admit(r)
	if rerr != nil {
		return nil, nil, rerr
	}
	if rerr := s.verifyHandshake(r, q); rerr != nil {
		s.limits.release(lease, time.Now())
		return nil, nil, rerr
	}
	return nil, lease, nil
}

// admit checks a handshake against Options.Limits.
func (s *Server) admit(r *http.Request) (*limitLease, *RequestError) {
	if s.limits == nil {
		return nil, nil
	}
	lease, reason := s.limits.admit(r, time.Now())
	if reason == "" {
		return lease, nil
	}
	if f := s.cfg.obs.HandshakeLimited; f != nil {
		f(reason)
	}
	return nil, &RequestError{Code: CodeForbidden, Message: reason.message()}
}

// verifySession checks a request up to the point where a handshake is
// told apart from a request of a session; it returns nil, nil for a
// handshake.
func (s *Server) verifySession(r *http.Request, q map[string][]string, upgrade bool) (*Session, *RequestError) {
	transport := first(q["transport"])
	if !(transport == TransportPolling && s.cfg.polling) && !(transport == TransportWebSocket && s.cfg.websocket) {
		return nil, refuse(CodeUnknownTransport)
	}
	if invalidHeaderValue(r.Header.Get("Origin")) {
		return nil, refuse(CodeBadRequest)
	}
	if sid := first(q["sid"]); sid != "" {
		s.mu.Lock()
		sess := s.sessions[sid]
		s.mu.Unlock()
		if sess == nil && s.cl == nil {
			return nil, refuse(CodeUnknownSID)
		}
		if sess != nil && !upgrade && sess.Transport() != transport {
			return nil, refuse(CodeBadRequest)
		}
		if first(q["EIO"]) != "4" {
			// Node.js's PROTOCOL_MISMATCH: every session speaks v4.
			return nil, refuse(CodeBadRequest)
		}
		if upgrade && (transport != TransportWebSocket || !s.cfg.allowUpgrades || !s.cfg.checkWebSocketOrigin(r)) {
			return nil, refuse(CodeBadRequest)
		}
		if sess == nil {
			if !upgrade && transport != TransportPolling {
				return nil, refuse(CodeBadRequest)
			}
			return nil, errRemoteSession
		}
		return sess, nil
	}
	if r.Method != http.MethodGet {
		return nil, refuse(CodeBadHandshakeMethod)
	}
	if transport == TransportWebSocket && !upgrade {
		return nil, refuse(CodeBadRequest)
	}
	if upgrade && !s.cfg.checkWebSocketOrigin(r) {
		return nil, refuse(CodeForbidden)
	}
	return nil, nil
}

// verifyHandshake checks a handshake after Options.Limits admitted it.
func (s *Server) verifyHandshake(r *http.Request, q map[string][]string) *RequestError {
	if s.cfg.allowRequest != nil {
		if err := s.cfg.allowRequest(r); err != nil {
			e := refuse(CodeForbidden)
			if msg := err.Error(); msg != "" {
				e.Message = msg
			}
			return e
		}
	}
	if first(q["EIO"]) != "4" {
		return refuse(CodeUnsupportedProtocolVersion)
	}
	return nil
}

// errRemoteSession is verify's answer for a valid request naming a session
// this server does not know, when another node of the cluster may own it.
var errRemoteSession = refuse(CodeUnknownSID)

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// invalidHeaderValue reports whether v holds a character Node.js rejects in
// a header value (control characters other than tab, and DEL).
func invalidHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return true
		}
	}
	return false
}

// writeRefusal answers a refused request like the Node.js server: JSON for
// HTTP requests, a plain message with status 400 for WebSocket upgrades.
func writeRefusal(w http.ResponseWriter, e *RequestError, upgrade bool) {
	if upgrade {
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", strconv.Itoa(len(e.Message)))
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(e.Message))
		return
	}
	body, _ := json.Marshal(struct {
		Code    ErrorCode `json:"code"`
		Message string    `json:"message"`
	}{e.Code, e.Message})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status())
	_, _ = w.Write(body)
}

// newSessionID returns 144 random bits from crypto/rand, base64url-encoded
// (24 characters, no padding).
func newSessionID() string {
	var b [18]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// openPacket is the JSON body of the open packet.
type openPacket struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int64    `json:"pingInterval"`
	PingTimeout  int64    `json:"pingTimeout"`
	MaxPayload   int      `json:"maxPayload"`
}

// handshake creates a session for a verified handshake request, holding
// lease (released when the session ends, or here when it does not start).
func (s *Server) handshake(w http.ResponseWriter, r *http.Request, upgrade bool, lease *limitLease) {
	sid := newSessionID()
	var cookie http.Header
	if s.cfg.cookie != nil {
		cookie = http.Header{"Set-Cookie": {s.cfg.sessionCookie(sid).String()}}
	}
	if !upgrade {
		for k, v := range cookie {
			w.Header()[k] = v
		}
		s.startSession(sid, r, TransportPolling, nil, w, lease)
		return
	}
	conn, err := s.acceptWebSocket(w, r, cookie, true)
	if err != nil {
		s.limits.release(lease, time.Now())
		return // the upgrader answered
	}
	s.startSession(sid, r, TransportWebSocket, conn, nil, lease)
}

// startSession registers a new session and sends its open packet: over the
// WebSocket conn, or as the response w of a polling handshake. It returns
// nil when the server is shutting down. The session holds lease, its place
// in Options.Limits, until it ends.
func (s *Server) startSession(sid string, r *http.Request, transport string, conn *wsConn, w http.ResponseWriter, lease *limitLease) *Session {
	open, _ := json.Marshal(openPacket{
		SID:          sid,
		Upgrades:     s.cfg.upgrades(transport),
		PingInterval: s.cfg.pingInterval.Milliseconds(),
		PingTimeout:  s.cfg.pingTimeout.Milliseconds(),
		MaxPayload:   s.cfg.maxPayload,
	})
	sess := newSession(s, sid, r, transport)
	sess.lease = lease
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		s.limits.release(lease, time.Now())
		if conn != nil {
			_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
			_ = conn.Close()
		} else {
			s.refuseShuttingDown(w)
		}
		return nil
	}
	s.sessions[sid] = sess
	onConn := s.onConnection
	s.mu.Unlock()
	if f := s.cfg.obs.SessionOpened; f != nil {
		f(sess, transport)
	}

	if conn != nil {
		sess.attachWebSocket(conn, packet{typ: typeOpen, data: open})
	}
	if onConn != nil && !sess.delayConnection(onConn) {
		sess.callConnection(onConn)
	}
	if conn != nil {
		sess.startWebSocket(conn)
	} else {
		sess.writePollResponse(w, r, []packet{{typ: typeOpen, data: open}})
	}
	sess.startHeartbeat()
	return sess
}

// remove forgets a closed session and releases its place in
// Options.Limits. It is called once per session (see finishLocked).
func (s *Server) remove(sess *Session) {
	s.mu.Lock()
	if s.sessions[sess.id] == sess {
		delete(s.sessions, sess.id)
	}
	s.noteEmptyLocked()
	s.mu.Unlock()
	s.limits.release(sess.lease, time.Now())
}

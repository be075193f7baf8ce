package chat

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/examples/chat/web"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/admin"
)

// Options configures a [Server]. A nil *Options means the defaults;
// [NewServer] does not modify it.
type Options struct {
	// WebDir is the folder holding the page's node_modules (the source
	// folder examples/chat/web); "" means look in the usual places
	// (see [web.FindBundle]).
	WebDir string
	// Bundle is the path of socket.io.min.js itself; it overrides WebDir.
	Bundle string
	// Limits bounds rooms, history and message sizes.
	Limits Limits
	// SocketIO configures the Socket.IO server; nil means its defaults.
	SocketIO *socketio.Options
	// Logger receives connections, disconnections and refused requests;
	// nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock of message times; nil means time.Now.
	Now func() time.Time
	// Admin, when set, serves the official Admin UI's namespace (package
	// socketio/admin, default "/admin"); docs/admin-ui.md says how to open
	// the UI against it.
	Admin *admin.Options
	// AdminOrigins are the origins of an Admin UI served elsewhere (such
	// as "https://admin.socket.io"), allowed to reach Socket.IO across
	// origins with credentials (CORS, and the WebSocket's Origin check),
	// besides the chat's own page. It replaces SocketIO.Engine's CORS and
	// CheckOrigin.
	AdminOrigins []string
	// AdminUIDir, when set, is the folder of the UI's built files (ui/dist
	// of the npm package @socket.io/admin-ui), served at [AdminUIPath]:
	// the UI then runs on the chat's own origin.
	AdminUIDir string
}

// AdminUIPath is where the Admin UI is served when Options.AdminUIDir is
// set.
const AdminUIPath = "/admin-ui/"

// Server is the chat: an [http.Handler] serving the page at "/", the
// socket.io-client bundle at "/vendor/socket.io.min.js" (and its source
// map) and Socket.IO at "/socket.io/".
//
// # Concurrency
//
// ServeHTTP and Shutdown are safe for concurrent use.
type Server struct {
	io      *socketio.Server
	admin   *admin.Admin // nil without Options.Admin
	history *History
	mux     *http.ServeMux
}

// BundlePath is where the page loads socket.io-client from.
const BundlePath = "/vendor/socket.io.min.js"

// NewServer returns the chat server. It fails, with an error wrapping
// [web.ErrNoBundle] that says to run `make demo` or `npm ci`, when the
// socket.io-client bundle is not installed.
func NewServer(opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	bundle := o.Bundle
	if bundle == "" {
		var err error
		if bundle, err = web.FindBundle(o.WebDir); err != nil {
			return nil, err
		}
	} else if st, err := os.Stat(bundle); err != nil || !st.Mode().IsRegular() {
		return nil, errors.Join(web.ErrNoBundle, err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	limits := o.Limits.withDefaults()

	s := &Server{
		history: NewHistory(limits.History, limits.Rooms),
		mux:     http.NewServeMux(),
	}
	if o.Admin != nil {
		a, err := admin.New(o.Admin)
		if err != nil {
			return nil, err
		}
		s.admin = a
		o.SocketIO = a.Instrument(withOrigins(o.SocketIO, o.AdminOrigins))
	}
	s.io = socketio.NewServer(o.SocketIO)
	if s.admin != nil {
		if err := s.admin.Attach(s.io); err != nil {
			return nil, err
		}
	}
	if o.AdminUIDir != "" {
		s.mux.Handle("GET "+AdminUIPath, http.StripPrefix(AdminUIPath, http.FileServer(http.Dir(o.AdminUIDir))))
	}
	RegisterChat(s.io, func() *Chat {
		return &Chat{history: s.history, limits: limits, log: o.Logger, now: o.Now}
	})

	page := http.FileServerFS(web.Files)
	s.mux.Handle("/socket.io/", s.io)
	s.mux.HandleFunc("GET "+BundlePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFile(w, r, bundle)
	})
	s.mux.HandleFunc("GET "+BundlePath+".map", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, bundle+".map")
	})
	s.mux.Handle("GET /{$}", noCache(page))
	for _, name := range []string{"/app.js", "/events.js", "/style.css"} {
		s.mux.Handle("GET "+name, noCache(page))
	}
	return s, nil
}

// noCache makes browsers revalidate the page's files, so that a rebuilt
// demo is picked up on reload.
func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// ServeHTTP serves the page, the bundle and Socket.IO.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// SocketIO returns the Socket.IO server underneath.
func (s *Server) SocketIO() *socketio.Server { return s.io }

// History returns the shared message history.
func (s *Server) History() *History { return s.history }

// Shutdown disconnects every client (reason "server shutting down") and
// waits for the handlers to return, or until ctx is done. Call it before
// (*http.Server).Shutdown, which does not wait for WebSocket connections.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeAdmin()
	return s.io.Shutdown(ctx)
}

// Drain closes the clients gradually, at the pace opts sets, refusing new
// ones meanwhile, then shuts down as Shutdown does; see
// [socketio.Server.Drain].
func (s *Server) Drain(ctx context.Context, opts *socketio.DrainOptions) error {
	s.closeAdmin()
	return s.io.Drain(ctx, opts)
}

// closeAdmin stops the Admin UI's namespace, if served.
func (s *Server) closeAdmin() {
	if s.admin != nil {
		_ = s.admin.Close()
	}
}

// withOrigins returns a copy of opts whose Engine.IO layer lets pages of
// origins, and of the request's own host, reach it with credentials.
func withOrigins(opts *socketio.Options, origins []string) *socketio.Options {
	if len(origins) == 0 {
		return opts
	}
	var o socketio.Options
	if opts != nil {
		o = *opts
	}
	var eo engineio.Options
	if o.Engine != nil {
		eo = *o.Engine
	}
	allowed := make(map[string]bool, len(origins))
	for _, origin := range origins {
		allowed[origin] = true
	}
	eo.CORS = &engineio.CORSOptions{Origins: origins, Credentials: true}
	eo.CheckOrigin = func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" || allowed[origin] {
			return true
		}
		u, err := url.Parse(origin)
		return err == nil && u.Host == r.Host
	}
	o.Engine = &eo
	return &o
}

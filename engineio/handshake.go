package engineio

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"strings"
)

// Handshake is what a session keeps of the HTTP request that opened it:
// the facts Socket.IO's handshake object is made of, and enough to rebuild
// the request (see [Handshake.Request]). The request itself is not kept:
// its context, parsed URL and per-request state would stay in memory for
// as long as every (mostly idle) connection lives. A Handshake is shared
// by everything that reads the session's: treat it, its Header included,
// as read-only.
type Handshake struct {
	// Header holds the request's header fields. Unlike http.Request's, it
	// includes Host (Go keeps it apart, in http.Request.Host), as Node
	// lists it with the other headers.
	Header http.Header
	// RequestURI is the request-target, e.g.
	// "/socket.io/?EIO=4&transport=websocket": the path and the query
	// string.
	RequestURI string
	// RemoteAddr is the client's network address, "host:port"
	// (http.Request.RemoteAddr).
	RemoteAddr string
	// Proto is the protocol version, e.g. "HTTP/1.1".
	Proto string
	// TLS is the TLS state of a request that came over TLS, nil otherwise.
	TLS *tls.ConnectionState
}

// NewHandshake returns the facts of r that a session keeps of its
// handshake request. It is for tests and fakes of code that reads a
// session's handshake; the server makes its sessions' itself.
func NewHandshake(r *http.Request) *Handshake {
	h := newHandshake(r)
	return &h
}

// newHandshake keeps the facts of the handshake request r.
func newHandshake(r *http.Request) Handshake {
	h := make(http.Header, len(r.Header)+1)
	// One backing array for all the values, as http.Header.Clone does.
	n := 0
	for _, v := range r.Header {
		n += len(v)
	}
	values := make([]string, 0, n)
	for k, v := range r.Header {
		if strings.EqualFold(k, "Host") {
			continue
		}
		values = append(values, v...)
		h[k] = values[len(values)-len(v) : len(values) : len(values)]
	}
	if r.Host != "" {
		h["Host"] = []string{r.Host}
	}
	uri := r.RequestURI
	if !strings.HasPrefix(uri, "/") && r.URL != nil {
		// "*", an absolute URL, or a request made in the process (no
		// RequestURI): the path and query of its URL.
		uri = r.URL.RequestURI()
	}
	return Handshake{
		Header:     h,
		RequestURI: uri,
		RemoteAddr: r.RemoteAddr,
		Proto:      r.Proto,
		TLS:        r.TLS,
	}
}

// Request returns a new GET request rebuilt from h: its URL (path and
// query), Host (from the Host header), headers (a copy, without Host, as
// on any server request), RemoteAddr, RequestURI, Proto and TLS state, so
// that code written for an *http.Request (r.Cookie, r.URL.Query,
// r.Header.Get) works on it. Its body is empty and its context is
// context.Background(): values an HTTP middleware put in the handshake
// request's context are not kept (read them in Options.AllowRequest, which
// sees the request itself, and keep what the application needs). Each
// call returns a new request.
func (h *Handshake) Request() *http.Request {
	u, err := url.ParseRequestURI(h.RequestURI)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	hdr := h.Header.Clone()
	if hdr == nil {
		hdr = http.Header{}
	}
	host := hdr.Get("Host")
	delete(hdr, "Host")
	r := &http.Request{
		Method:     http.MethodGet,
		URL:        u,
		Proto:      h.Proto,
		Header:     hdr,
		Body:       http.NoBody,
		Host:       host,
		RemoteAddr: h.RemoteAddr,
		RequestURI: h.RequestURI,
		TLS:        h.TLS,
	}
	r.ProtoMajor, r.ProtoMinor, _ = http.ParseHTTPVersion(h.Proto)
	return r.WithContext(context.Background())
}

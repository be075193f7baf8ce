package engineio

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"net/http"
	"net/url"
	"strings"
)

// Handshake is what a session keeps of the HTTP request that opened it:
// the facts Socket.IO's handshake object is made of, and enough to rebuild
// the request (see [Handshake.Request]). The request itself is not kept:
// its context, parsed URL, header map and per-request state would stay in
// memory for as long as every (mostly idle) connection lives. A Handshake
// packs its facts into one string, and its methods unpack them; it does
// not change.
type Handshake struct {
	// packed holds the request URI, the remote address, then each header
	// key with its values, all as strings prefixed by their length
	// (uvarint); a key is followed by its number of values.
	packed string
	proto  string
	tls    *tls.ConnectionState
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
	uri := r.RequestURI
	if !strings.HasPrefix(uri, "/") && r.URL != nil {
		// "*", an absolute URL, or a request made in the process (no
		// RequestURI): the path and query of its URL.
		uri = r.URL.RequestURI()
	}
	n := len(uri) + len(r.RemoteAddr) + len(r.Host) + 3*binary.MaxVarintLen64
	for k, v := range r.Header {
		n += len(k) + 2*binary.MaxVarintLen64
		for _, s := range v {
			n += len(s) + binary.MaxVarintLen64
		}
	}
	b := make([]byte, 0, n)
	b = appendString(b, uri)
	b = appendString(b, r.RemoteAddr)
	for k, v := range r.Header {
		if strings.EqualFold(k, "Host") {
			continue
		}
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(v)))
		for _, s := range v {
			b = appendString(b, s)
		}
	}
	if r.Host != "" {
		b = appendString(b, "Host")
		b = binary.AppendUvarint(b, 1)
		b = appendString(b, r.Host)
	}
	return Handshake{packed: string(b), proto: internProto(r.Proto), tls: r.TLS}
}

// internProto returns the usual protocol versions as constants: a server
// request's Proto is part of its request line, which keeping it would
// keep.
func internProto(p string) string {
	for _, c := range [...]string{"HTTP/1.1", "HTTP/1.0", "HTTP/2.0"} {
		if p == c {
			return c
		}
	}
	return strings.Clone(p)
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// next returns the uvarint at the start of *p and moves *p past it.
func next(p *string) int {
	var v uint64
	for i, shift := 0, uint(0); i < len(*p) && shift < 64; i, shift = i+1, shift+7 {
		c := (*p)[i]
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			*p = (*p)[i+1:]
			return int(v)
		}
	}
	*p = "" // not reached: the string is newHandshake's
	return 0
}

// nextString returns the string at the start of *p and moves *p past it.
func nextString(p *string) string {
	n := next(p)
	s := (*p)[:n]
	*p = (*p)[n:]
	return s
}

// RequestURI returns the request-target, e.g.
// "/socket.io/?EIO=4&transport=websocket": the path and the query string.
func (h *Handshake) RequestURI() string {
	p := h.packed
	return nextString(&p)
}

// RemoteAddr returns the client's network address, "host:port"
// (http.Request.RemoteAddr).
func (h *Handshake) RemoteAddr() string {
	p := h.packed
	nextString(&p)
	return nextString(&p)
}

// Header returns the request's header fields, in a new map on each call.
// Unlike http.Request's, it includes Host (Go keeps it apart, in
// http.Request.Host), as Node lists it with the other headers.
func (h *Handshake) Header() http.Header {
	p := h.packed
	nextString(&p)
	nextString(&p)
	hdr := make(http.Header)
	for len(p) > 0 {
		k := nextString(&p)
		v := make([]string, next(&p))
		for i := range v {
			v[i] = nextString(&p)
		}
		hdr[k] = v
	}
	return hdr
}

// Proto returns the protocol version, e.g. "HTTP/1.1".
func (h *Handshake) Proto() string { return h.proto }

// TLS returns the TLS state of a request that came over TLS, nil
// otherwise. It is the server's and must not be modified.
func (h *Handshake) TLS() *tls.ConnectionState { return h.tls }

// Request returns a new GET request rebuilt from h: its URL (path and
// query), Host (from the Host header), headers (without Host, as on any
// server request), RemoteAddr, RequestURI, Proto and TLS state, so that
// code written for an *http.Request (r.Cookie, r.URL.Query,
// r.Header.Get) works on it. Its body is empty and its context is
// context.Background(): values an HTTP middleware put in the handshake
// request's context are not kept (read them in Options.AllowRequest, which
// sees the request itself, and keep what the application needs). Each
// call returns a new request.
func (h *Handshake) Request() *http.Request {
	uri := h.RequestURI()
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	hdr := h.Header()
	host := hdr.Get("Host")
	delete(hdr, "Host")
	r := &http.Request{
		Method:     http.MethodGet,
		URL:        u,
		Proto:      h.proto,
		Header:     hdr,
		Body:       http.NoBody,
		Host:       host,
		RemoteAddr: h.RemoteAddr(),
		RequestURI: uri,
		TLS:        h.tls,
	}
	r.ProtoMajor, r.ProtoMinor, _ = http.ParseHTTPVersion(h.proto)
	return r.WithContext(context.Background())
}

package socketio

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Handshake describes the HTTP request that opened a socket's Engine.IO
// connection, and the auth payload of its CONNECT packet, as Node's
// socket.handshake does.
type Handshake struct {
	// Headers are the handshake request's headers.
	Headers http.Header
	// Time is when the socket was created.
	Time time.Time
	// Address is the client's address (the request's RemoteAddr).
	Address string
	// XDomain reports whether the request carried an Origin header.
	XDomain bool
	// Secure reports whether the request came over TLS.
	Secure bool
	// Issued is Time in milliseconds since the Unix epoch.
	Issued int64
	// URL is the request URI.
	URL string
	// Query is the request's query string, parsed.
	Query url.Values
	// Auth is the raw JSON object of the CONNECT packet's payload, nil when
	// the client sent none.
	Auth json.RawMessage
}

func newHandshake(r *http.Request, auth []byte, now time.Time) *Handshake {
	h := &Handshake{Time: now, Issued: now.UnixMilli(), Auth: json.RawMessage(auth)}
	if r == nil {
		h.Headers = http.Header{}
		h.Query = url.Values{}
		return h
	}
	h.Headers = r.Header
	h.Address = r.RemoteAddr
	h.XDomain = r.Header.Get("Origin") != ""
	h.Secure = r.TLS != nil
	if r.URL != nil {
		h.URL = r.URL.RequestURI()
		h.Query = r.URL.Query()
	}
	return h
}

// newID returns a random identifier of 128 bits, base64url encoded (22
// characters), for socket ids and recovery session ids.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

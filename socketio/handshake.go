package socketio

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/siogo/sio/engineio"
)

// Handshake describes the HTTP request that opened a socket's Engine.IO
// connection, and the auth payload of its CONNECT packet, as Node's
// socket.handshake does. Its JSON form is Node's (see
// [Handshake.MarshalJSON]), so that it can be sent to clients and other
// servers as Node applications do.
type Handshake struct {
	// Headers are the handshake request's headers, Host included.
	Headers http.Header
	// Time is when the socket was created.
	Time time.Time
	// Address is the client's address, the request's RemoteAddr
	// ("host:port"; the JSON form has the host only, as Node's).
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

// newHandshake builds a socket's Handshake from the facts its Engine.IO
// session kept of the request (nil when there is none).
func newHandshake(eh *engineio.Handshake, auth []byte, now time.Time) *Handshake {
	h := &Handshake{Time: now, Issued: now.UnixMilli(), Auth: json.RawMessage(auth)}
	if eh == nil {
		h.Headers = http.Header{}
		h.Query = url.Values{}
		h.Secure = true // as Node's, which counts a missing request as secure
		return h
	}
	h.Headers = eh.Header() // with Host
	h.Address = eh.RemoteAddr()
	h.XDomain = h.Headers.Get("Origin") != ""
	h.Secure = eh.TLS() != nil
	h.URL = eh.RequestURI()
	_, rawQuery, _ := strings.Cut(h.URL, "?")
	h.Query, _ = url.ParseQuery(rawQuery)
	return h
}

// handshakeJSON is Node's socket.handshake object.
type handshakeJSON struct {
	Headers map[string]any    `json:"headers"` // string, or []string for set-cookie
	Time    string            `json:"time"`    // JavaScript's Date#toString
	Address string            `json:"address"` // host only
	XDomain bool              `json:"xdomain"`
	Secure  bool              `json:"secure"`
	Issued  int64             `json:"issued"`
	URL     string            `json:"url"`
	Query   map[string]string `json:"query"` // the last value of each key
	Auth    json.RawMessage   `json:"auth"`  // {} when none
}

// MarshalJSON encodes h as Node's socket.handshake object: {headers, time,
// address, xdomain, secure, issued, url, query, auth}, with lower-case
// header names and one string per header (repeated ones joined as Node's
// HTTP server joins them, set-cookie an array), time as JavaScript's
// Date#toString, address without the port, one string per query key (the
// last value, as Node's), and auth {} when the client sent none.
func (h Handshake) MarshalJSON() ([]byte, error) {
	j := handshakeJSON{
		Headers: make(map[string]any, len(h.Headers)),
		Time:    jsDateString(h.Time),
		Address: h.Address,
		XDomain: h.XDomain,
		Secure:  h.Secure,
		Issued:  h.Issued,
		URL:     h.URL,
		Query:   make(map[string]string, len(h.Query)),
		Auth:    h.Auth,
	}
	if host, _, err := net.SplitHostPort(h.Address); err == nil {
		j.Address = host
	}
	for k, v := range h.Headers {
		if len(v) == 0 {
			continue
		}
		k = strings.ToLower(k)
		switch {
		case k == "set-cookie":
			j.Headers[k] = v
		case k == "cookie":
			j.Headers[k] = strings.Join(v, "; ")
		case nodeSingleHeaders[k]:
			j.Headers[k] = v[0]
		default:
			j.Headers[k] = strings.Join(v, ", ")
		}
	}
	for k, v := range h.Query {
		if len(v) > 0 {
			j.Query[k] = v[len(v)-1]
		}
	}
	if len(j.Auth) == 0 {
		j.Auth = json.RawMessage("{}")
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes Node's socket.handshake object, as MarshalJSON
// encodes it or as a Node server sends it. Time is read from "issued", or
// from "time" (to the second) when "issued" is missing. Headers and query
// values are one string each (or the set-cookie array), as in the JSON.
func (h *Handshake) UnmarshalJSON(data []byte) error {
	var j struct {
		Headers map[string]any  `json:"headers"`
		Time    string          `json:"time"`
		Address string          `json:"address"`
		XDomain bool            `json:"xdomain"`
		Secure  bool            `json:"secure"`
		Issued  int64           `json:"issued"`
		URL     string          `json:"url"`
		Query   map[string]any  `json:"query"`
		Auth    json.RawMessage `json:"auth"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*h = Handshake{
		Headers: make(http.Header, len(j.Headers)),
		Time:    time.UnixMilli(j.Issued),
		Address: j.Address,
		XDomain: j.XDomain,
		Secure:  j.Secure,
		Issued:  j.Issued,
		URL:     j.URL,
		Query:   make(url.Values, len(j.Query)),
		Auth:    j.Auth,
	}
	if t, ok := parseJSDate(j.Time); ok && j.Issued == 0 {
		h.Time = t
	}
	for k, v := range j.Headers {
		h.Headers[http.CanonicalHeaderKey(k)] = jsonStrings(v)
	}
	for k, v := range j.Query {
		h.Query[k] = jsonStrings(v)
	}
	if string(h.Auth) == "null" {
		h.Auth = nil
	}
	return nil
}

// nodeSingleHeaders are the headers of which Node's HTTP server keeps the
// first value when a request repeats them.
var nodeSingleHeaders = map[string]bool{
	"age": true, "authorization": true, "content-length": true, "content-type": true,
	"etag": true, "expires": true, "from": true, "host": true, "if-modified-since": true,
	"if-unmodified-since": true, "last-modified": true, "location": true,
	"max-forwards": true, "proxy-authorization": true, "referer": true,
	"retry-after": true, "server": true, "user-agent": true,
}

// jsDateLayout is JavaScript's Date#toString without the zone name.
const jsDateLayout = "Mon Jan 02 2006 15:04:05 GMT-0700"

// jsDateString formats t as JavaScript's Date#toString does, e.g. "Wed Dec
// 02 2026 15:53:53 GMT+0000 (Coordinated Universal Time)". Go knows zone
// abbreviations only: other zones than UTC are named so ("(CET)").
func jsDateString(t time.Time) string {
	name, _ := t.Zone()
	if name == "UTC" {
		name = "Coordinated Universal Time"
	}
	return t.Format(jsDateLayout) + " (" + name + ")"
}

// parseJSDate parses what jsDateString formats.
func parseJSDate(s string) (time.Time, bool) {
	if i := strings.Index(s, " ("); i >= 0 {
		s = s[:i]
	}
	t, err := time.Parse(jsDateLayout, s)
	return t, err == nil
}

// jsonStrings returns a decoded JSON string, or array of strings, as a
// slice.
func jsonStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// newID returns a random identifier of 128 bits, base64url encoded (22
// characters), for socket ids and recovery session ids.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

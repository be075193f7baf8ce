package redisadapter

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/siogo/sio/socketio"
)

// jsDateLayout is JavaScript's Date#toString in UTC, which is what Node's
// handshake.time holds on a server running in UTC.
const jsDateLayout = "Mon Jan 02 2006 15:04:05 GMT-0700"

// wireSocket describes a local socket the way Node's adapter answers
// REMOTE_FETCH: lower-case headers (repeated ones joined with ", ", except
// set-cookie, an array), the query as strings or arrays, auth {} when
// none, and data as JSON (absent when nil or not encodable).
func (a *Adapter) wireSocket(s *socketio.RemoteSocket) RemoteSocket {
	out := RemoteSocket{ID: s.ID, Rooms: nonNil(s.Rooms)}
	if h := s.Handshake; h != nil {
		out.Handshake = Handshake{
			Headers: make(map[string]any, len(h.Headers)),
			Time:    h.Time.UTC().Format(jsDateLayout) + " (Coordinated Universal Time)",
			Address: h.Address,
			XDomain: h.XDomain,
			Secure:  h.Secure,
			Issued:  h.Issued,
			URL:     h.URL,
			Query:   make(map[string]any, len(h.Query)),
			Auth:    h.Auth,
		}
		for k, v := range h.Headers {
			k = strings.ToLower(k)
			if k == "set-cookie" {
				out.Handshake.Headers[k] = stringsToAny(v)
			} else {
				out.Handshake.Headers[k] = strings.Join(v, ", ")
			}
		}
		for k, v := range h.Query {
			if len(v) == 1 {
				out.Handshake.Query[k] = v[0]
			} else {
				out.Handshake.Query[k] = stringsToAny(v)
			}
		}
	}
	if len(out.Handshake.Auth) == 0 {
		out.Handshake.Auth = json.RawMessage("{}")
	}
	if s.Data != nil {
		if b, err := json.Marshal(s.Data); err == nil {
			out.Data = b
		} else {
			a.log.Debug("socketio: redis adapter: socket data not sent, not JSON-encodable", "sid", s.ID, "err", err)
		}
	}
	return out
}

func stringsToAny(v []string) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}

// localSocket converts a socket of a REMOTE_FETCH response. Its Data is
// the json.RawMessage of socket.data, nil when absent.
func localSocket(s *RemoteSocket) *socketio.RemoteSocket {
	h := &socketio.Handshake{
		Headers: make(http.Header, len(s.Handshake.Headers)),
		Address: s.Handshake.Address,
		XDomain: s.Handshake.XDomain,
		Secure:  s.Handshake.Secure,
		Issued:  s.Handshake.Issued,
		URL:     s.Handshake.URL,
		Query:   make(url.Values, len(s.Handshake.Query)),
		Auth:    s.Handshake.Auth,
	}
	h.Time = time.UnixMilli(s.Handshake.Issued)
	if t, err := time.Parse(jsDateLayout, jsDatePrefix(s.Handshake.Time)); err == nil {
		h.Time = t
	}
	for k, v := range s.Handshake.Headers {
		h.Headers[http.CanonicalHeaderKey(k)] = anyToStrings(v)
	}
	for k, v := range s.Handshake.Query {
		h.Query[k] = anyToStrings(v)
	}
	out := &socketio.RemoteSocket{ID: s.ID, Handshake: h, Rooms: s.Rooms}
	if len(s.Data) > 0 {
		out.Data = s.Data
	}
	return out
}

// jsDatePrefix strips the " (zone name)" of a JavaScript date string.
func jsDatePrefix(s string) string {
	if i := strings.Index(s, " ("); i >= 0 {
		return s[:i]
	}
	return s
}

func anyToStrings(v any) []string {
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

package admin

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/siogo/sio/socketio"
)

// serializedSocket is the UI's SerializedSocket.
type serializedSocket struct {
	ID        string          `json:"id"`
	ClientID  string          `json:"clientId"`
	Transport string          `json:"transport"`
	Nsp       string          `json:"nsp"`
	Data      json.RawMessage `json:"data"`
	Handshake json.RawMessage `json:"handshake"`
	Rooms     []string        `json:"rooms"`
}

// clientIDLength is how much of the Engine.IO session id the UI is shown:
// 12 characters, as Node's ("this information is quite sensitive").
const clientIDLength = 12

// serialize describes s for the UI. It calls the socket's adapter
// (Rooms) and marshals the application's data, so never under a lock.
func (a *Admin) serialize(s *socketio.Socket) serializedSocket {
	cid := s.EngineID()
	if len(cid) > clientIDLength {
		cid = cid[:clientIDLength]
	}
	rooms := s.Rooms()
	if rooms == nil {
		rooms = []string{}
	}
	return serializedSocket{
		ID:        s.ID(),
		ClientID:  cid,
		Transport: s.Transport(),
		Nsp:       s.Namespace().Name(),
		Data:      marshalData(s.Data(), a.opts.MaxDataBytes),
		Handshake: marshalHandshake(s.Handshake()),
		Rooms:     rooms,
	}
}

// serializeRemote describes a socket of another node (Options.Cluster),
// from what FetchSockets tells: its client is shown as the socket itself
// (the first 12 characters of its id), its transport as the one it
// connected with (the handshake request's).
func (a *Admin) serializeRemote(r *socketio.RemoteSocket, nsp string) serializedSocket {
	cid := r.ID
	if len(cid) > clientIDLength {
		cid = cid[:clientIDLength]
	}
	rooms := r.Rooms
	if rooms == nil {
		rooms = []string{}
	}
	out := serializedSocket{
		ID:        r.ID,
		ClientID:  cid,
		Nsp:       nsp,
		Data:      marshalData(r.Data, a.opts.MaxDataBytes),
		Handshake: json.RawMessage("{}"),
		Rooms:     rooms,
	}
	if r.Handshake != nil {
		out.Handshake = marshalHandshake(r.Handshake)
		out.Transport = r.Handshake.Query.Get("transport")
	}
	return out
}

// marshalHandshake is Node's handshake as the admin package sends it:
// the client's address taken from cf-connecting-ip or x-forwarded-for
// when there, and never the CONNECT's auth payload (credentials).
func marshalHandshake(h *socketio.Handshake) json.RawMessage {
	c := *h
	c.Auth = nil
	if v := h.Headers.Get("Cf-Connecting-Ip"); v != "" {
		c.Address = v
	} else if v := h.Headers.Get("X-Forwarded-For"); v != "" {
		c.Address = v
	}
	b, err := c.MarshalJSON()
	if err != nil {
		return json.RawMessage("{}")
	}
	// auth is the CONNECT payload's: the UI never sees it.
	return bytes.Replace(b, []byte(`,"auth":{}`), nil, 1)
}

// marshalData is the JSON of a socket's data for the UI: an object (a
// value that is not one is sent as {"value": v}), at most max bytes
// (beyond, {"_truncated": size}), {} when there is none or it cannot be
// marshaled. A panicking MarshalJSON is recovered: it runs on the
// server's goroutines, and its text is not sent.
func marshalData(v any, max int) (out json.RawMessage) {
	if v == nil {
		return json.RawMessage("{}")
	}
	defer func() {
		if recover() != nil {
			out = json.RawMessage("{}")
		}
	}()
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("{}")
	}
	if len(b) > max {
		return json.RawMessage(`{"_truncated":` + strconv.Itoa(len(b)) + `}`)
	}
	if len(b) == 0 || b[0] != '{' {
		b = append(append([]byte(`{"value":`), b...), '}')
	}
	return b
}

// timestamp is a time as JavaScript's Date#toJSON writes it, which is
// what the Node package's `new Date()` arguments become on the wire.
type timestamp time.Time

// MarshalJSON writes "2006-01-02T15:04:05.000Z".
func (t timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

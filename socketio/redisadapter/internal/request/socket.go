package request

import (
	"encoding/json"
	"log/slog"
	"slices"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// WireSocket describes a local socket as Node's adapters answer a fetch
// request. The handshake takes the JSON shape of Node's socket.handshake
// from [socketio.Handshake.MarshalJSON], the one place that shape is
// defined; data is sent as JSON, left out (logged to log at Debug) when it
// does not encode.
func WireSocket(s *socketio.RemoteSocket, log *slog.Logger) wire.RemoteSocket {
	out := wire.RemoteSocket{ID: s.ID, Rooms: wire.NonNil(s.Rooms)}
	if s.Handshake != nil {
		if b, err := json.Marshal(s.Handshake); err == nil {
			_ = json.Unmarshal(b, &out.Handshake) // same fields, same tags
		}
	}
	if len(out.Handshake.Auth) == 0 {
		out.Handshake.Auth = json.RawMessage("{}")
	}
	if s.Data != nil {
		if b, err := json.Marshal(s.Data); err == nil {
			out.Data = b
		} else {
			log.Debug("socketio: redis adapter: socket data not sent, not JSON-encodable", "sid", s.ID, "err", err)
		}
	}
	return out
}

// LocalSocket converts a socket of a fetch response, reading its handshake
// with [socketio.Handshake.UnmarshalJSON]. Its Data is the json.RawMessage
// of socket.data, nil when absent.
func LocalSocket(s *wire.RemoteSocket) *socketio.RemoteSocket {
	h := new(socketio.Handshake)
	if b, err := json.Marshal(&s.Handshake); err == nil {
		_ = h.UnmarshalJSON(b)
	}
	out := &socketio.RemoteSocket{ID: s.ID, Handshake: h, Rooms: slices.Clone(s.Rooms)}
	if len(s.Data) > 0 {
		out.Data = s.Data
	}
	return out
}

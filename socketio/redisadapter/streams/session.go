package streams

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// Bounds of RestoreSession, whose pid and offset come from the client.
const (
	// MaxPIDLength bounds the private session id looked up (sio's and
	// Node's are 20 to 22 characters).
	MaxPIDLength = 128
	// RestorePageSize is the stream entries one XRANGE of RestoreSession
	// reads.
	RestorePageSize = 1000
	// MaxRestorePages bounds the XRANGE calls of one RestoreSession (Node
	// makes at most 100): a session that missed more entries than that is
	// not recovered, rather than recovered with a gap.
	MaxRestorePages = 100
)

var offsetRE = regexp.MustCompile(`^[0-9]+-[0-9]+$`)

// PersistSession implements [socketio.Adapter]: with recovery on, it
// stores the session in Redis as Node's adapter does (SET
// <SessionKeyPrefix><pid> to the base64 of the msgpack of {sid, pid, rooms,
// data}, PX MaxDisconnectionDuration), so that any server of the cluster
// can restore it. The data is written as its JSON encoding ({} when nil);
// data that does not encode is logged and left out. It waits for Redis up
// to the request timeout; a failure is logged.
func (a *Adapter) PersistSession(s *socketio.SessionState) {
	rec := a.rec
	if rec == nil {
		return
	}
	var data any = wire.Object{}
	switch d := s.Data.(type) {
	case nil:
	case json.RawMessage:
		data = d
	default:
		b, err := json.Marshal(d)
		if err != nil {
			a.Logger().Warn("socketio: redis streams adapter: session data not stored, not JSON-encodable", "sid", s.SID, "err", err)
		} else {
			data = json.RawMessage(b)
		}
	}
	b, err := wire.EncodeValue(wire.Object{
		{Key: "sid", Value: s.SID},
		{Key: "pid", Value: s.PID},
		{Key: "rooms", Value: wire.NonNil(s.Rooms)},
		{Key: "data", Value: data},
	})
	if err != nil {
		a.Logger().Warn("socketio: redis streams adapter: session not stored", "sid", s.SID, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestTimeout)
	defer cancel()
	err = a.fac.client.Set(ctx, a.opts.SessionKeyPrefix+s.PID, base64.StdEncoding.EncodeToString(b), rec.MaxDisconnectionDuration).Err()
	if err != nil {
		a.Logger().Warn("socketio: redis streams adapter: session not stored", "sid", s.SID, "err", err)
	}
}

// RestoreSession implements [socketio.Adapter] as Node's adapter does: it
// takes the session out of Redis (GET and DEL in one transaction) and
// checks that offset, a stream entry id, is still in the namespace's
// stream; then it reads the stream after offset (XRANGE, RestorePageSize
// entries at a time, at most MaxRestorePages times) for the broadcasts
// of the namespace the session's rooms would have received, each with its
// entry id appended as offset. A restored session's Data is the
// json.RawMessage of what was stored. It returns nil when the session is
// unknown or expired, or the offset malformed or trimmed away.
func (a *Adapter) RestoreSession(ctx context.Context, pid, offset string) (*socketio.SessionState, error) {
	if a.rec == nil {
		return nil, nil
	}
	if len(pid) > MaxPIDLength || !offsetRE.MatchString(offset) {
		return nil, nil
	}
	c := a.fac.client
	// The session key and the stream may be on different nodes of a
	// cluster: two round trips, at once.
	var (
		get    *redis.StringCmd
		at     []redis.XMessage
		atErr  error
		xrange = make(chan struct{})
	)
	go func() {
		defer close(xrange)
		at, atErr = c.XRangeN(ctx, a.stream, offset, offset, 1).Result()
	}()
	_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, a.opts.SessionKeyPrefix+pid)
		p.Del(ctx, a.opts.SessionKeyPrefix+pid)
		return nil
	})
	<-xrange
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("socketio: redis streams adapter: restore session: %w", err)
	}
	if atErr != nil {
		return nil, fmt.Errorf("socketio: redis streams adapter: restore session: %w", atErr)
	}
	raw, err := get.Result()
	if err != nil || len(at) == 0 {
		return nil, nil
	}
	st, err := decodeSession(raw)
	if err != nil {
		return nil, fmt.Errorf("socketio: redis streams adapter: restore session: %w", err)
	}
	for range MaxRestorePages {
		start, err := nextOffset(offset)
		if err != nil {
			return nil, err
		}
		entries, err := c.XRangeN(ctx, a.stream, start, "+", RestorePageSize).Result()
		if err != nil {
			return nil, fmt.Errorf("socketio: redis streams adapter: restore session: %w", err)
		}
		for _, e := range entries {
			offset = e.ID
			if nsp, _ := e.Values["nsp"].(string); nsp != a.nspName {
				continue
			}
			if typ, _ := e.Values["type"].(string); typ != "3" {
				continue
			}
			m, err := cluster.DecodeFields(e.Values)
			if err != nil || m.Opts == nil || m.RequestID != "" {
				continue
			}
			if includes(st.Rooms, m.Opts.Rooms, m.Opts.Except) {
				st.MissedPackets = append(st.MissedPackets, &parser.Packet{
					Type: parser.Event, Namespace: a.nspName, ID: parser.NoID,
					Data: jsontext.AppendToArray(m.Data, e.ID), Attachments: m.Attachments,
				})
			}
		}
		if len(entries) < RestorePageSize {
			return st, nil
		}
	}
	return nil, fmt.Errorf("socketio: redis streams adapter: restore session: more than %d missed entries", MaxRestorePages*RestorePageSize)
}

// nextOffset is the entry id after offset (XRANGE's exclusive start of
// Redis 6.2, done by hand as Node does).
func nextOffset(offset string) (string, error) {
	ms, seq, _ := strings.Cut(offset, "-")
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return "", fmt.Errorf("socketio: redis streams adapter: offset %q: %w", offset, err)
	}
	return ms + "-" + strconv.FormatUint(n+1, 10), nil
}

// includes reports whether a session in sessionRooms would have received
// a broadcast to rooms except except (Node's shouldIncludePacket).
func includes(sessionRooms, rooms, except []string) bool {
	in := len(rooms) == 0
	for _, r := range sessionRooms {
		for _, x := range except {
			if x == r {
				return false
			}
		}
		for _, x := range rooms {
			if x == r {
				in = true
			}
		}
	}
	return in
}

// decodeSession reads a session stored by PersistSession or by Node's
// adapter.
func decodeSession(raw string) (*socketio.SessionState, error) {
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	v, err := wire.DecodeValue(b, "session")
	if err != nil {
		return nil, err
	}
	obj, ok := v.(wire.Object)
	if !ok {
		return nil, errors.New("session: not an object")
	}
	st := &socketio.SessionState{}
	for _, m := range obj {
		switch m.Key {
		case "sid":
			st.SID, _ = m.Value.(string)
		case "pid":
			st.PID, _ = m.Value.(string)
		case "rooms":
			list, _ := m.Value.([]any)
			for _, r := range list {
				if s, ok := r.(string); ok {
					st.Rooms = append(st.Rooms, s)
				}
			}
		case "data":
			if m.Value == nil {
				continue
			}
			text, _, err := wire.DataJSON(m.Value)
			if err != nil {
				return nil, fmt.Errorf("session data: %w", err)
			}
			st.Data = json.RawMessage(text)
		}
	}
	if st.SID == "" || st.PID == "" {
		return nil, errors.New("session: no sid or pid")
	}
	return st, nil
}

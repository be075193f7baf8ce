package wire

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestEmitterEncodings checks that what the emitter encodes decodes as the
// adapter reads it, with the emitter's key order.
func TestEmitterEncodings(t *testing.T) {
	compress := false
	bcasts := []struct {
		name          string
		rooms, except []string
		flags         Object
		want          BroadcastFlags
	}{
		{"no flags", nil, nil, nil, BroadcastFlags{}},
		{"rooms and except", []string{"a", "b"}, []string{"c"}, Object{}, BroadcastFlags{}},
		{"compress then volatile", []string{"a"}, nil, Object{{"compress", false}, {"volatile", true}}, BroadcastFlags{Volatile: true, Compress: &compress}},
	}
	for _, tc := range bcasts {
		t.Run(tc.name, func(t *testing.T) {
			p := &Packet{Type: 2, Nsp: "/x", Data: JSONData{JSON: []byte(`["ev",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{7}}}}
			msg, err := EncodeEmitterBroadcast("emitter", p, tc.rooms, tc.except, tc.flags)
			if err != nil {
				t.Fatal(err)
			}
			// The opts map is rooms, flags, except: "flags" comes before "except".
			if i, j := strings.Index(string(msg), "flags"), strings.Index(string(msg), "except"); i < 0 || j < i {
				t.Errorf("opts keys out of order in %q", msg)
			}
			m, err := DecodeBroadcast(msg)
			if err != nil {
				t.Fatal(err)
			}
			data, atts, err := DataJSON(m.Packet.Data)
			if err != nil {
				t.Fatal(err)
			}
			if m.UID != "emitter" || m.Packet.Nsp != "/x" || string(data) != `["ev",{"_placeholder":true,"num":0}]` || len(atts) != 1 || atts[0][0] != 7 {
				t.Errorf("decoded %+v, data %s %v", m, data, atts)
			}
			if !slices.Equal(m.Opts.Rooms, tc.rooms) || !slices.Equal(m.Opts.Except, tc.except) {
				t.Errorf("opts %+v", m.Opts)
			}
			f := m.Opts.Flags
			if f == nil || f.Volatile != tc.want.Volatile || (f.Compress == nil) != (tc.want.Compress == nil) ||
				(f.Compress != nil && *f.Compress != *tc.want.Compress) {
				t.Errorf("flags %+v, want %+v", f, tc.want)
			}
		})
	}

	reqs := []struct {
		name string
		r    Request
		want string
	}{
		{"join without uid", Request{Type: RemoteJoin, Opts: &BroadcastOptions{Rooms: []string{"a"}}, Rooms: []string{"b"}},
			`{"type":2,"opts":{"rooms":["a"],"except":[]},"rooms":["b"]}`},
		{"disconnect", Request{Type: RemoteDisconnect, Opts: &BroadcastOptions{}, Close: true},
			`{"type":4,"opts":{"rooms":[],"except":[]},"close":true}`},
		{"server-side emit", Request{UID: "emitter", Type: ServerSideEmit, Data: []json.RawMessage{json.RawMessage(`"ev"`)}},
			`{"uid":"emitter","type":6,"data":["ev"]}`},
	}
	for _, tc := range reqs {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := EncodeEmitterRequest(&tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if string(msg) != tc.want {
				t.Errorf("got %s, want %s", msg, tc.want)
			}
			back, err := DecodeRequest(msg)
			if err != nil || back.Type != tc.r.Type || back.UID != tc.r.UID {
				t.Errorf("decoded %+v, %v", back, err)
			}
		})
	}
	if _, err := EncodeEmitterRequest(&Request{Type: Broadcast}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("BROADCAST request: %v, want ErrUnsupported", err)
	}
}

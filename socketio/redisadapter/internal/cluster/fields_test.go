package cluster

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// fieldsMap turns EncodeFields' alternating names and values into the map
// go-redis gives for a stream entry.
func fieldsMap(kv []string) map[string]any {
	m := make(map[string]any)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestFieldsRoundTrip encodes each kind of message as stream fields and as
// msgpack, and decodes it back.
func TestFieldsRoundTrip(t *testing.T) {
	opts := &Opts{Rooms: []string{"r"}, Except: []string{"x"}, Volatile: true, Timeout: 1500 * time.Millisecond}
	tests := []struct {
		name string
		m    Message
		json bool // the data field is JSON text (no binary)
	}{
		{"broadcast", Message{Type: Broadcast, Data: []byte(`["ev",1,{"a":"b"}]`), Opts: &Opts{Rooms: []string{}, Except: []string{}}}, true},
		{"broadcast binary", Message{Type: Broadcast, Data: []byte(`["ev",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1, 2}}, Opts: opts, RequestID: "q"}, false},
		{"join", Message{Type: SocketsJoin, Opts: &Opts{Rooms: []string{"a"}, Except: []string{}}, Rooms: []string{"g"}}, true},
		{"disconnect", Message{Type: DisconnectSockets, Opts: &Opts{Rooms: []string{}, Except: []string{}}, Close: true}, true},
		{"server-side emit", Message{Type: ServerSideEmit, Data: []byte(`["hello",2]`), RequestID: "q"}, true},
		{"ack", Message{Type: BroadcastAck, Data: []byte(`"x"`), RequestID: "q"}, true},
		{"client count", Message{Type: BroadcastClientCount, ClientCount: 3, RequestID: "q"}, true},
		{"fetch response", Message{Type: FetchSocketsResponse, RequestID: "q", Sockets: []wire.RemoteSocket{}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			m.UID, m.Nsp = "u1", "/n"
			kv, err := EncodeFields(&m)
			if err != nil {
				t.Fatal(err)
			}
			f := fieldsMap(kv)
			if data, _ := f["data"].(string); (len(data) > 0 && data[0] == '{') != tc.json {
				t.Errorf("data field %q: JSON = %v, want %v", data, !tc.json, tc.json)
			}
			if f["type"] != strconv.Itoa(int(m.Type)) {
				t.Errorf("type field %q", f["type"])
			}
			got, err := DecodeFields(f)
			if err != nil {
				t.Fatal(err)
			}
			checkSame(t, "fields", got, &m)
			b, err := EncodeMsgpack(&m)
			if err != nil {
				t.Fatal(err)
			}
			if b[0] == '{' {
				t.Fatal("EncodeMsgpack wrote JSON")
			}
			got, err = Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			checkSame(t, "msgpack", got, &m)
		})
	}
}

func checkSame(t *testing.T, what string, got, want *Message) {
	t.Helper()
	g, w := *got, *want
	if len(g.Data) > 0 || len(w.Data) > 0 {
		if string(g.Data) != string(w.Data) {
			t.Errorf("%s: data %s, want %s", what, g.Data, w.Data)
		}
	}
	g.Data, w.Data = nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %+v, want %+v", what, g, w)
	}
}

// TestDecodeNodeFields decodes entries and messages written by Node's
// adapter (@msgpack/msgpack 2.8, JSON.stringify), recorded from Node.
func TestDecodeNodeFields(t *testing.T) {
	bin := map[string]any{"uid": "u1", "nsp": "/", "type": "3", "data": "gqZwYWNrZXSDpHR5cGUCpGRhdGGTomV2xAJhYoGha8s/+AAAAAAAAKNuc3ChL6RvcHRzg6Vyb29tc5GhcqZleGNlcHSRoXilZmxhZ3OA"}
	m, err := DecodeFields(bin)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Data) != `["ev",{"_placeholder":true,"num":0},{"k":1.5}]` || len(m.Attachments) != 1 || string(m.Attachments[0]) != "ab" {
		t.Errorf("binary broadcast: %s %q", m.Data, m.Attachments)
	}
	if !reflect.DeepEqual(m.Opts, &Opts{Rooms: []string{"r"}, Except: []string{"x"}}) {
		t.Errorf("binary broadcast opts: %+v", m.Opts)
	}
	text := map[string]any{"uid": "u1", "nsp": "/", "type": "3", "data": `{"packet":{"type":2,"data":["ev","s",1],"nsp":"/"},"opts":{"rooms":[],"except":[],"flags":{"volatile":true}}}`}
	m, err = DecodeFields(text)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Data) != `["ev","s",1]` || !m.Opts.Volatile {
		t.Errorf("JSON broadcast: %s %+v", m.Data, m.Opts)
	}
	for _, tc := range []struct{ b64, data string }{
		{"hKR0eXBlCaRkYXRhgqlyZXF1ZXN0SWSicTGmcGFja2V0kqVoZWxsb8QBeqN1aWSidTKjbnNwoS8=", `["hello",{"_placeholder":true,"num":0}]`},
		{"hKR0eXBlCqRkYXRhgqlyZXF1ZXN0SWSicTGmcGFja2V0wKN1aWSidTKjbnNwoS8=", `null`},
	} {
		b, _ := base64.StdEncoding.DecodeString(tc.b64)
		m, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if m.RequestID != "q1" || m.UID != "u2" || string(m.Data) != tc.data {
			t.Errorf("pub/sub message: %+v, data %s", m, m.Data)
		}
	}
}

// TestDecodeFieldsMalformed: entries that are not messages are refused.
func TestDecodeFieldsMalformed(t *testing.T) {
	tests := []struct {
		name string
		f    map[string]any
	}{
		{"no type", map[string]any{"uid": "u", "nsp": "/"}},
		{"type not a number", map[string]any{"uid": "u", "nsp": "/", "type": "x"}},
		{"unknown type", map[string]any{"uid": "u", "nsp": "/", "type": "99"}},
		{"bad JSON", map[string]any{"uid": "u", "nsp": "/", "type": "3", "data": "{nope"}},
		{"bad base64", map[string]any{"uid": "u", "nsp": "/", "type": "3", "data": "!!!"}},
		{"bad msgpack", map[string]any{"uid": "u", "nsp": "/", "type": "3", "data": "wcHB"}},
		{"broadcast without packet", map[string]any{"uid": "u", "nsp": "/", "type": "3", "data": `{"opts":{"rooms":[],"except":[]}}`}},
		{"join without data", map[string]any{"uid": "u", "nsp": "/", "type": "4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeFields(tc.f); !errors.Is(err, ErrMalformed) {
				t.Errorf("DecodeFields = %v, want ErrMalformed", err)
			}
		})
	}
}

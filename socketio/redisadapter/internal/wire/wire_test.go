package wire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/siogo/sio/socketio/parser"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// vector is one message recorded from Node by testdata/node/gen.cjs.
type vector struct {
	Name    string          `json:"name"`
	Channel string          `json:"channel"`
	Format  string          `json:"format"`
	Hex     string          `json:"hex"`
	Value   json.RawMessage `json:"value"`
	bytes   []byte
}

func loadVectors(t testing.TB) map[string]*vector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []*vector
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]*vector, len(list))
	for _, v := range list {
		if v.bytes, err = hex.DecodeString(v.Hex); err != nil {
			t.Fatal(err)
		}
		out[v.Name] = v
	}
	return out
}

// kind says which decoder a vector needs, from its name prefix.
func kind(name string) string { return name[:strings.IndexByte(name, '_')] }

// reencode decodes msg as the given kind and encodes the result again.
func reencode(k string, msg []byte) (decoded any, out []byte, err error) {
	switch k {
	case "broadcast":
		m, err := DecodeBroadcast(msg)
		if err != nil {
			return nil, nil, err
		}
		out, err = EncodeBroadcast(m)
		return m, out, err
	case "request":
		r, err := DecodeRequest(msg)
		if err != nil {
			return nil, nil, err
		}
		out, err = EncodeRequest(r)
		return r, out, err
	default:
		r, err := DecodeResponse(msg)
		if err != nil {
			return nil, nil, err
		}
		out, err = EncodeResponse(r)
		return r, out, err
	}
}

// canonValue mirrors testdata/node/canon.cjs for decoded Go values.
func canonValue(v any) any {
	switch v := v.(type) {
	case []byte:
		return map[string]any{"$bin": hex.EncodeToString(v)}
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = canonValue(x)
		}
		return out
	case Object:
		out := make(map[string]any, len(v))
		for _, m := range v {
			out[m.Key] = canonValue(m.Value)
		}
		return out
	}
	return v
}

func canonPacket(p *Packet) map[string]any {
	m := map[string]any{"type": float64(p.Type), "data": canonValue(p.Data), "nsp": p.Nsp}
	if p.ID != nil {
		m["id"] = float64(*p.ID)
	}
	return m
}

func canonStrings(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

func canonOpts(o *BroadcastOptions) map[string]any {
	m := map[string]any{"rooms": canonStrings(o.Rooms), "except": canonStrings(o.Except)}
	if o.Flags != nil {
		f := map[string]any{}
		for _, x := range flagFields(o.Flags) {
			f[x.Key] = x.Value
		}
		m["flags"] = f
	}
	return m
}

// TestGoldenVectors decodes every message recorded from Node, checks the
// decoded values and channel, and checks that encoding them again gives the
// same bytes.
func TestGoldenVectors(t *testing.T) {
	vectors := loadVectors(t)
	for name, v := range vectors {
		t.Run(name, func(t *testing.T) {
			decoded, out, err := reencode(kind(name), v.bytes)
			if err != nil {
				t.Fatalf("decode/encode: %v", err)
			}
			// Decoded objects keep Node's key order, so every message,
			// broadcast_key_order's {"2","10","zeta","alpha"} included,
			// encodes again to the same bytes.
			if !bytes.Equal(out, v.bytes) {
				t.Errorf("re-encoded bytes differ\n got %x\nwant %x", out, v.bytes)
			}
			if (out[0] == '{') != (v.Format == "json") {
				t.Errorf("re-encoded as the wrong format (want %s)", v.Format)
			}
			var want any
			if err := json.Unmarshal(v.Value, &want); err != nil {
				t.Fatal(err)
			}
			switch m := decoded.(type) {
			case *BroadcastMessage:
				got := []any{m.UID, canonPacket(&m.Packet), canonOpts(&m.Opts)}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("decoded\n got %#v\nwant %#v", got, want)
				}
				ch := NewChannels("", m.Packet.Nsp, m.UID)
				if got := ch.BroadcastTo(m.Opts.Rooms); got != v.Channel {
					t.Errorf("channel %q, want %q", got, v.Channel)
				}
				if room, ok := ch.Room(v.Channel); !ok || (len(m.Opts.Rooms) == 1) != (room != "") {
					t.Errorf("Room(%q) = %q, %v", v.Channel, room, ok)
				}
			case *Request:
				if m.Type == Broadcast {
					got := map[string]any{"uid": m.UID, "requestId": m.RequestID, "type": float64(m.Type),
						"packet": canonPacket(m.Packet), "opts": canonOpts(m.Opts)}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("decoded\n got %#v\nwant %#v", got, want)
					}
				}
				if got := NewChannels("", "/", m.UID).Request; got != v.Channel {
					t.Errorf("channel %q, want %q", got, v.Channel)
				}
			case *Response:
				if m.Type == BroadcastAck {
					got := map[string]any{"type": float64(m.Type), "requestId": m.RequestID}
					if m.HasPacket {
						got["packet"] = canonValue(m.Packet)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("decoded\n got %#v\nwant %#v", got, want)
					}
				}
				if got := NewChannels("", "/", "x").Response; got != v.Channel {
					t.Errorf("channel %q, want %q", got, v.Channel)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

var handshake = Handshake{
	Headers: map[string]any{"host": "127.0.0.1:3000", "user-agent": "node", "x-multi": []any{"a", "b"}},
	Time:    "Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)",
	Address: "127.0.0.1", Issued: 1767225600000,
	URL:   "/socket.io/?EIO=4&transport=websocket",
	Query: map[string]any{"EIO": "4", "transport": "websocket"},
}

func withAuth(h Handshake, auth string) Handshake { h.Auth = json.RawMessage(auth); return h }

// goMessages builds, from Go values, the messages Node recorded under the
// same names. identical says whether the bytes must match exactly.
func goMessages(t testing.TB) []struct {
	name      string
	msg       []byte
	identical bool
} {
	t.Helper()
	type entry = struct {
		name      string
		msg       []byte
		identical bool
	}
	var out []entry
	add := func(name string, identical bool, b []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, entry{name, b, identical})
	}
	bc := func(name string, identical bool, p Packet, o BroadcastOptions) {
		if o.Flags == nil {
			o.Flags = &BroadcastFlags{}
		}
		b, err := EncodeBroadcast(&BroadcastMessage{UID: "NodeA1", Packet: p, Opts: o})
		add(name, identical, b, err)
	}
	req := func(name string, r Request) {
		r.UID = "NodeA1"
		b, err := EncodeRequest(&r)
		add(name, true, b, err)
	}
	resp := func(name string, r Response) {
		b, err := EncodeResponse(&r)
		add(name, true, b, err)
	}
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }

	bc("broadcast_all", true, Packet{Type: 2, Nsp: "/", Data: []any{"hello", "world"}}, BroadcastOptions{})
	bc("broadcast_one_room_numbers", true, Packet{Type: 2, Nsp: "/", Data: []any{"msg", 1, -1, int8(127), 128, uint8(255), 256, 65535, 65536,
		-32, -33, -128, -129, -32768, -32769, uint32(4294967295), int64(4294967296), int64(-2147483649), 1.5, float32(-0.25), true, false, nil}},
		BroadcastOptions{Rooms: []string{"room1"}})
	bc("broadcast_rooms_except", true, Packet{Type: 2, Nsp: "/", Data: []any{"two", map[string]any{"a": 1.0, "b": []any{1, 2, map[string]any{"c": "d"}}}}},
		BroadcastOptions{Rooms: []string{"room1", "room2"}, Except: []string{"room3", "sid-x"}})
	bc("broadcast_flags", true, Packet{Type: 2, Nsp: "/", Data: []any{"flags"}},
		BroadcastOptions{Except: []string{"room3"}, Flags: &BroadcastFlags{Volatile: true, Compress: ptr(false)}})
	bc("broadcast_binary", true, Packet{Type: 2, Nsp: "/", Data: JSONData{
		JSON:        []byte(`["bin",{"_placeholder":true,"num":0},{"buf":{"_placeholder":true,"num":1},"text":"` + strings.Repeat("x", 31) + `"},{"_placeholder":true,"num":2}]`),
		Attachments: [][]byte{{1, 2, 3}, bytes.Repeat([]byte{7}, 300), {9, 8}},
	}}, BroadcastOptions{})
	bc("broadcast_strings", true, Packet{Type: 2, Nsp: "/", Data: []string{"strings", "", strings.Repeat("x", 32), strings.Repeat("y", 255),
		strings.Repeat("z", 256), "é€😀", strings.Repeat("x", 65536)}}, BroadcastOptions{})
	bc("broadcast_namespace", true, Packet{Type: 2, Nsp: "/chat", Data: JSONData{JSON: []byte(`["chat message",{"user":"ann","text":"hi"}]`)}},
		BroadcastOptions{Rooms: []string{"lobby"}})
	bc("broadcast_key_order", true, Packet{Type: 2, Nsp: "/", Data: json.RawMessage(`["order",{"zeta":1,"alpha":2,"10":3,"2":4}]`)}, BroadcastOptions{})
	bc("broadcast_key_order", false, Packet{Type: 2, Nsp: "/", Data: []any{"order", map[string]any{"zeta": 1, "alpha": 2, "10": 3, "2": 4}}}, BroadcastOptions{})
	many := []any{"many"}
	for i := range 17 {
		many = append(many, i)
	}
	bc("broadcast_array16", true, Packet{Type: 2, Nsp: "/", Data: many}, BroadcastOptions{})
	bc("broadcast_undefined", true, Packet{Type: 2, Nsp: "/", Data: []any{"undefined", nil, map[string]any{"kept": 1}}}, BroadcastOptions{})

	req("request_broadcast_ack", Request{RequestID: "r00002", Type: Broadcast,
		Packet: &Packet{Type: 2, Nsp: "/", Data: JSONData{JSON: []byte(`["ask","q",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{[]byte("hi")}}},
		Opts:   &BroadcastOptions{Rooms: []string{"room1"}, Flags: &BroadcastFlags{Timeout: ptr(time.Second)}}})
	req("request_remote_join", Request{Type: RemoteJoin, Opts: &BroadcastOptions{}, Rooms: []string{"room9"}})
	req("request_remote_leave", Request{Type: RemoteLeave, Opts: &BroadcastOptions{Rooms: []string{"room1"}, Except: []string{"room2"}}, Rooms: []string{"room9", "room8"}})
	req("request_remote_disconnect", Request{Type: RemoteDisconnect, Opts: &BroadcastOptions{Rooms: []string{"room1"}}, Close: true})
	req("request_remote_disconnect_noclose", Request{Type: RemoteDisconnect, Opts: &BroadcastOptions{}})
	req("request_server_side_emit", Request{Type: ServerSideEmit, Data: []json.RawMessage{raw(`"ping"`), raw(`1`), raw(`{"a":"b"}`)}})
	req("request_server_side_emit_ack", Request{RequestID: "r00003", Type: ServerSideEmit, Data: []json.RawMessage{raw(`"ping-ack"`), raw(`"x"`)}})
	req("request_remote_fetch", Request{RequestID: "r00004", Type: RemoteFetch, Opts: &BroadcastOptions{Rooms: []string{"room1"}}})
	req("request_all_rooms", Request{RequestID: "r00005", Type: AllRooms})

	resp("response_remote_fetch", Response{Type: NoType, RequestID: "b00001", RemoteSockets: []RemoteSocket{{
		ID: "sock1", Handshake: withAuth(handshake, `{"token":"abc"}`), Rooms: []string{"sock1", "room1"}, Data: raw(`{"user":"ann","n":3}`)}}})
	resp("response_remote_fetch_no_data", Response{Type: NoType, RequestID: "b00011", RemoteSockets: []RemoteSocket{{
		ID: "sock2", Handshake: withAuth(handshake, `{}`), Rooms: []string{"sock2"}}}})
	resp("response_all_rooms", Response{Type: NoType, RequestID: "b00002", Rooms: []string{"sock1", "room1", "sock2"}})
	resp("response_sockets", Response{Type: NoType, RequestID: "b00003", SocketIDs: []string{"sock1"}})
	resp("response_remote_join_sid", Response{Type: NoType, RequestID: "b00004"})
	resp("response_server_side_emit", Response{Type: ServerSideEmit, RequestID: "b00005", Data: raw(`{"pong":42}`)})
	resp("response_broadcast_client_count", Response{Type: BroadcastClientCount, RequestID: "b00006", ClientCount: 1})
	resp("response_broadcast_ack", Response{Type: BroadcastAck, RequestID: "b00006", HasPacket: true,
		Packet: JSONData{JSON: []byte(`{"ok":true,"buf":{"_placeholder":true,"num":0}}`), Attachments: [][]byte{{0xde, 0xad}}}})
	resp("response_broadcast_ack_undefined", Response{Type: BroadcastAck, RequestID: "b00007"})
	return out
}

// TestGoEncodingMatchesNode encodes from Go values the messages Node
// recorded: the bytes match where identical is set, and Node's own decoder
// (testdata/node/decode.cjs) reads every one as the recorded value.
func TestGoEncodingMatchesNode(t *testing.T) {
	vectors := loadVectors(t)
	msgs := goMessages(t)
	var raw [][]byte
	for _, m := range msgs {
		v := vectors[m.name]
		if v == nil {
			t.Fatalf("no vector %s", m.name)
		}
		if m.identical && !bytes.Equal(m.msg, v.bytes) {
			t.Errorf("%s: bytes differ from Node's\n got %x\nwant %x", m.name, m.msg, v.bytes)
		}
		raw = append(raw, m.msg)
	}
	lines := runNode(t, "decode.cjs", raw)
	for i, m := range msgs {
		t.Run(m.name, func(t *testing.T) {
			var got, want any
			if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(vectors[m.name].Value, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Node decodes Go's message as\n%s\nwant\n%s", lines[i], vectors[m.name].Value)
			}
		})
	}
}

func TestDataJSON(t *testing.T) {
	tests := []struct {
		name     string
		in       any
		want     string
		attached int
	}{
		// Integers are written as the JavaScript number Node decodes them to.
		{"scalars", []any{"a", int64(1), uint64(1 << 63), 1.5, true, nil}, `["a",1,9223372036854776000,1.5,true,null]`, 0},
		{"JavaScript numbers", []any{int64(1 << 53), -1e21, 1e-7, 0.1}, `[9007199254740992,-1e+21,1e-7,0.1]`, 0},
		{"binary", []any{"e", []byte{1}, map[string]any{"b": []byte{2}, "10": 1, "2": 2}}, `["e",{"_placeholder":true,"num":0},{"2":2,"10":1,"b":{"_placeholder":true,"num":1}}]`, 2},
		{"html", "<a&b>", `"<a&b>"`, 0},
		{"time", time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC), `"2026-01-02T03:04:05.006Z"`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, att, err := DataJSON(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want || len(att) != tt.attached {
				t.Errorf("got %s with %d attachments, want %s with %d", got, len(att), tt.want, tt.attached)
			}
			// The JSON and attachments encode to the same msgpack as the value.
			a, err := EncodeBroadcast(&BroadcastMessage{Packet: Packet{Data: tt.in}})
			if err != nil {
				t.Fatal(err)
			}
			b, err := EncodeBroadcast(&BroadcastMessage{Packet: Packet{Data: JSONData{JSON: got, Attachments: att}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, isTime := tt.in.(time.Time); !isTime && !bytes.Equal(a, b) {
				t.Errorf("msgpack differs: %x vs %x", a, b)
			}
		})
	}
}

func TestChannels(t *testing.T) {
	tests := []struct {
		key, nsp, uid string
		want          Channels
	}{
		{"", "/", "abc123", Channels{"socket.io#/#", "socket.io-request#/#", "socket.io-response#/#", "socket.io-response#/#abc123#"}},
		{"app", "/chat", "u", Channels{"app#/chat#", "app-request#/chat#", "app-response#/chat#", "app-response#/chat#u#"}},
	}
	for _, tt := range tests {
		t.Run(tt.key+tt.nsp, func(t *testing.T) {
			got := NewChannels(tt.key, tt.nsp, tt.uid)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if got.ResponseChannelFor("other", true) != tt.want.Response+"other#" || got.ResponseChannelFor("other", false) != tt.want.Response {
				t.Error("ResponseChannelFor")
			}
			for _, c := range []struct {
				channel, room string
				ok            bool
			}{
				{got.Broadcast, "", true},
				{got.Broadcast + "r#1#", "r#1", true},
				{got.Broadcast + "r", "", false},
				{got.Request, "", false},
			} {
				if room, ok := got.Room(c.channel); room != c.room || ok != c.ok {
					t.Errorf("Room(%q) = %q, %v; want %q, %v", c.channel, room, ok, c.room, c.ok)
				}
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		decode func([]byte) error
		msg    string
	}{
		{"empty broadcast", decodeBroadcastErr, ""},
		{"broadcast not array", decodeBroadcastErr, "80"},
		{"broadcast short array", decodeBroadcastErr, "92a16180"},
		{"broadcast huge array", decodeBroadcastErr, "dd7fffffff"},
		{"broadcast packet without type", decodeBroadcastErr, "93a16180" + "82a5726f6f6d7390a665786365707490"},
		{"broadcast truncated string", decodeBroadcastErr, "93a561"},
		{"broadcast trailing bytes", decodeBroadcastErr, "93a16181a474797065028082a5726f6f6d7390a66578636570749000"},
		{"broadcast unknown ext", decodeBroadcastErr, "93a16182a474797065" + "02a464617461d40501" + "80"},
		{"broadcast deep nesting", decodeBroadcastErr, "93a16182a474797065" + "02a464617461" + strings.Repeat("91", MaxDepth+2) + "c0" + "80"},
		{"request bad json", decodeRequestErr, hex.EncodeToString([]byte(`{"type":`))},
		{"request no type", decodeRequestErr, hex.EncodeToString([]byte(`{"uid":"a"}`))},
		{"request msgpack no type", decodeRequestErr, "81a3756964a161"},
		{"response not map", decodeResponseErr, "c0"},
		{"response bad sockets", decodeResponseErr, hex.EncodeToString([]byte(`{"requestId":"a","sockets":[1]}`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := hex.DecodeString(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.decode(b)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want an error wrapping ErrMalformed", err)
			}
			var de *DecodeError
			if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), "socketio: ") {
				t.Errorf("error %q is not a *DecodeError with the socketio: prefix", err)
			}
		})
	}
}

func decodeBroadcastErr(b []byte) error { _, err := DecodeBroadcast(b); return err }
func decodeRequestErr(b []byte) error   { _, err := DecodeRequest(b); return err }
func decodeResponseErr(b []byte) error  { _, err := DecodeResponse(b); return err }

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
	}{
		{"bad placeholder", func() error {
			_, err := EncodeBroadcast(&BroadcastMessage{Packet: Packet{Data: JSONData{JSON: []byte(`[{"_placeholder":true,"num":1}]`)}}})
			return err
		}},
		{"bad raw json", func() error {
			_, err := EncodeBroadcast(&BroadcastMessage{Packet: Packet{Data: json.RawMessage(`[1,`)}})
			return err
		}},
		{"channel value", func() error {
			_, err := EncodeBroadcast(&BroadcastMessage{Packet: Packet{Data: []any{make(chan int)}}})
			return err
		}},
		{"broadcast request without packet", func() error {
			_, err := EncodeRequest(&Request{Type: Broadcast})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, ErrUnsupported) {
				t.Fatalf("got %v, want an error wrapping ErrUnsupported", err)
			}
		})
	}
}

// FuzzDecode feeds arbitrary messages to the three decoders. Whatever
// decodes must encode again, and decoding that encoding and encoding once
// more gives the same bytes.
func FuzzDecode(f *testing.F) {
	for _, v := range loadVectors(f) {
		if len(v.bytes) < 4096 {
			f.Add(v.bytes)
		}
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, k := range []string{"broadcast", "request", "response"} {
			_, once, err := reencode(k, msg)
			if err != nil {
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("%s: error %v wraps neither ErrMalformed nor ErrUnsupported", k, err)
				}
				continue
			}
			_, twice, err := reencode(k, once)
			if err != nil {
				t.Fatalf("%s: decoding our own encoding %x: %v", k, once, err)
			}
			if !bytes.Equal(once, twice) {
				t.Fatalf("%s: encoding not stable\n once %x\ntwice %x", k, once, twice)
			}
		}
		// What a server writes to its clients for a broadcast is JSON.
		if m, err := DecodeBroadcast(msg); err == nil {
			if data, _, err := DataJSON(m.Packet.Data); err == nil && !json.Valid(data) {
				t.Fatalf("DataJSON wrote invalid JSON %q", data)
			}
		}
	})
}

func BenchmarkBroadcast(b *testing.B) {
	msg := &BroadcastMessage{UID: "NodeA1", Packet: Packet{Type: 2, Nsp: "/", Data: []any{"chat message",
		map[string]any{"user": "ann", "text": "hello there", "n": 42}, []byte("binary")}},
		Opts: BroadcastOptions{Rooms: []string{"room1"}, Except: []string{"sid"}, Flags: &BroadcastFlags{}}}
	enc, err := EncodeBroadcast(msg)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := EncodeBroadcast(msg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeBroadcast(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// skipOrFailInCI skips a test whose dependency is missing, or fails it in CI
// (CI=true), where every dependency must be present.
func skipOrFailInCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// TestBroadcastPacketMatchesNode checks that a broadcast reaches the clients
// of a Go server with the bytes a Node server sends for it: each message
// (Node's recorded broadcasts, and Go's for event data written the ways
// socketio writes it) is decoded and written as socket.io packet text here,
// and by notepack.io and socket.io-parser in testdata/node/packet.cjs.
func TestBroadcastPacketMatchesNode(t *testing.T) {
	type input struct {
		name string
		msg  []byte
	}
	var inputs []input
	for name, v := range loadVectors(t) {
		if strings.HasPrefix(name, "broadcast_") && v.Format == "msgpack" {
			inputs = append(inputs, input{name, v.bytes})
		}
	}
	data := []struct {
		name string
		json string
		att  [][]byte
	}{
		{"key order", `["ev",{"zeta":1,"alpha":2,"10":3,"2":4,"4294967295":5,"01":6,"-1":7}]`, nil},
		{"repeated key", `["ev",{"a":1,"b":2,"a":3}]`, nil},
		{"numbers", `["ev",0,-0,1.5,-2.25,0.1,1e21,1.5e-7,0.000001,123456789012,9007199254740993,12345678901234567890,-9223372036854775808,1e300,4294967296]`, nil},
		{"numeric keys", `["ev",{"1e21":1,"1.5":2}]`, nil},
		{"strings", `["ev","q\"b\\s\/","\u0001\b\f\n\r\t","<a>&","é€😀",""]`, nil},
		{"binary in objects", `["ev",{"b":{"_placeholder":true,"num":1},"a":[{"_placeholder":true,"num":0}]}]`, [][]byte{{1, 2}, {}}},
		{"nested", `["ev",[[[{"x":[null,true,false]}]]]]`, nil},
		{"line separators", "[\"ev\",\"\\u2028\\u2029 \u2028\"]", nil},
	}
	for _, d := range data {
		msg, err := EncodeBroadcast(&BroadcastMessage{UID: "GoSrv1",
			Packet: Packet{Type: 2, Nsp: "/chat", Data: JSONData{JSON: []byte(d.json), Attachments: d.att}}})
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		inputs = append(inputs, input{d.name, msg})
	}
	raw := make([][]byte, len(inputs))
	for i, in := range inputs {
		raw[i] = in.msg
	}
	lines := runNode(t, "packet.cjs", raw)
	for i, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			var want struct {
				Text string   `json:"text"`
				Bins []string `json:"bins"`
			}
			if err := json.Unmarshal([]byte(lines[i]), &want); err != nil {
				t.Fatal(err)
			}
			m, err := DecodeBroadcast(in.msg)
			if err != nil {
				t.Fatal(err)
			}
			data, att, err := DataJSON(m.Packet.Data)
			if err != nil {
				t.Fatal(err)
			}
			p := parser.Packet{Type: parser.Event, Namespace: m.Packet.Nsp, ID: parser.NoID, Data: data, Attachments: att}
			bins := make([]string, len(att))
			for i, b := range att {
				bins[i] = hex.EncodeToString(b)
			}
			if got := string(p.Encode()); got != want.Text || !reflect.DeepEqual(bins, append([]string{}, want.Bins...)) {
				t.Errorf("Go writes\n%s %q\nNode writes\n%s %q", got, bins, want.Text, want.Bins)
			}
		})
	}
}

// runNode runs script (in testdata/node) on msgs, given hex-encoded one a
// line, and returns the line it prints for each.
func runNode(t *testing.T, script string, msgs [][]byte) []string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFailInCI(t, "node not installed")
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "..", "interop", "node_modules", "notepack.io")); err != nil {
		skipOrFailInCI(t, "interop/node_modules not installed (make deps)")
	}
	cmd := exec.Command(node, filepath.Join("testdata", "node", script))
	var stdin strings.Builder
	for _, m := range msgs {
		stdin.WriteString(hex.EncodeToString(m) + "\n")
	}
	cmd.Stdin = strings.NewReader(stdin.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(msgs) {
		t.Fatalf("node printed %d lines for %d messages", len(lines), len(msgs))
	}
	return lines
}

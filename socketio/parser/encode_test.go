package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestEncode(t *testing.T) {
	t.Parallel()
	bin := []byte{1, 2, 3}
	tests := []struct {
		name string
		p    Packet
		want string
	}{
		{"connect main", Packet{Type: Connect, Namespace: "/", ID: NoID}, `0`},
		{"connect empty namespace", Packet{Type: Connect, ID: NoID}, `0`},
		{"connect ok", Packet{Type: Connect, Namespace: "/", ID: NoID, Data: []byte(`{"sid":"abc"}`)}, `0{"sid":"abc"}`},
		{"connect nsp", Packet{Type: Connect, Namespace: "/admin", ID: NoID, Data: []byte(`{"sid":"abc"}`)}, `0/admin,{"sid":"abc"}`},
		{"disconnect nsp", Packet{Type: Disconnect, Namespace: "/chat", ID: NoID}, `1/chat,`},
		{"event", Packet{Type: Event, Namespace: "/", ID: NoID, Data: []byte(`["hello",1]`)}, `2["hello",1]`},
		{"event nsp id", Packet{Type: Event, Namespace: "/chat", ID: 42, Data: []byte(`["a"]`)}, `2/chat,42["a"]`},
		{"event id zero", Packet{Type: Event, Namespace: "/", ID: 0, Data: []byte(`["a"]`)}, `20["a"]`},
		{"ack", Packet{Type: Ack, Namespace: "/", ID: 7, Data: []byte(`[]`)}, `37[]`},
		{"connect error", Packet{Type: ConnectError, Namespace: "/x", ID: NoID, Data: []byte(`{"message":"no"}`)}, `4/x,{"message":"no"}`},
		{"event with attachments", Packet{Type: Event, Namespace: "/", ID: NoID, Data: []byte(`["a",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{bin}}, `51-["a",{"_placeholder":true,"num":0}]`},
		{"binary event", Packet{Type: BinaryEvent, Namespace: "/up", ID: 3, Data: []byte(`["a"]`), Attachments: [][]byte{bin, bin}}, `52-/up,3["a"]`},
		{"ack with attachments", Packet{Type: Ack, Namespace: "/", ID: 1, Data: []byte(`[{"_placeholder":true,"num":0}]`), Attachments: [][]byte{bin}}, `61-1[{"_placeholder":true,"num":0}]`},
		{"binary ack without attachments", Packet{Type: BinaryAck, Namespace: "/", ID: 1, Data: []byte(`[]`)}, `31[]`},
		{"binary event without attachments", Packet{Type: BinaryEvent, Namespace: "/", ID: NoID, Data: []byte(`["a"]`)}, `2["a"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.p.Encode(); string(got) != tt.want {
				t.Errorf("Encode = %q, want %q", got, tt.want)
			}
			prefix := []byte("prefix")
			if got := tt.p.AppendEncode(prefix); string(got) != "prefix"+tt.want {
				t.Errorf("AppendEncode = %q", got)
			}
		})
	}
}

// TestEncodeDecodeRoundTrip encodes packets, decodes the result and expects
// the same packet back, the binary ones with their attachments.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	bin := [][]byte{{0}, {1, 1}, {}}
	packets := []Packet{
		{Type: Connect, Namespace: "/", ID: NoID},
		{Type: Connect, Namespace: "/a/b", ID: NoID, Data: []byte(`{"k":[1,2]}`)},
		{Type: Disconnect, Namespace: "/chat", ID: NoID},
		{Type: Event, Namespace: "/", ID: NoID, Data: []byte(`["x",null,true,{"y":"z"}]`)},
		{Type: Event, Namespace: "/chat", ID: MaxID, Data: []byte(`[0]`)},
		{Type: Ack, Namespace: "/", ID: 0, Data: []byte(`[]`)},
		{Type: ConnectError, Namespace: "/nope", ID: NoID, Data: []byte(`"Invalid namespace"`)},
		{Type: BinaryEvent, Namespace: "/", ID: NoID, Data: []byte(`["f",{"_placeholder":true,"num":2},[{"_placeholder":true,"num":0}]]`), Attachments: bin},
		{Type: BinaryAck, Namespace: "/q", ID: 99, Data: []byte(`[{"_placeholder":true,"num":1}]`), Attachments: bin[:2]},
	}
	for _, want := range packets {
		var d Decoder
		got, err := decodeAll(t, &d, string(want.Encode()), want.Attachments...)
		if err != nil {
			t.Fatalf("decode(Encode(%+v)): %v", want, err)
		}
		if !equalPacket(got, &want) {
			t.Errorf("round trip of %+v gave %+v", want, *got)
		}
	}
}

func TestMarshalArgs(t *testing.T) {
	t.Parallel()
	type msg struct {
		Text string `json:"text"`
		Room string `json:"room,omitempty"`
		Blob []byte `json:"blob,omitempty"`
	}
	a, b := []byte("A"), []byte("B")
	tests := []struct {
		name        string
		values      []any
		want        string
		attachments [][]byte
	}{
		{"none", nil, `[]`, nil},
		{"event and struct", []any{"chat_message", msg{Text: "hi", Room: "lobby"}}, `["chat_message",{"text":"hi","room":"lobby"}]`, nil},
		{"scalars", []any{"e", 1, int64(-2), int32(3), uint(4), uint64(5), uint32(6), true, false, nil, 1.5}, `["e",1,-2,3,4,5,6,true,false,null,1.5]`, nil},
		{"no html escaping", []any{"<a href=\"x\">&</a>"}, `["<a href=\"x\">&</a>"]`, nil},
		{"struct html", []any{msg{Text: "<b>"}}, `[{"text":"<b>"}]`, nil},
		{"string escapes", []any{"q\"b\\n\n\r\t\b\f\x01\x1f\u2028\u2029é\xff"}, `["q\"b\\n\n\r\t\b\f\u0001\u001f\u2028\u2029é\ufffd"]`, nil},
		{"top level bytes", []any{"up", a, b}, `["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, [][]byte{a, b}},
		{"nil bytes", []any{[]byte(nil)}, `[{"_placeholder":true,"num":0}]`, [][]byte{{}}},
		{"nested", []any{"e", map[string]any{"z": a, "a": []any{1, b, map[string]any{}}}, [][]byte{b, a}}, `["e",{"a":[1,{"_placeholder":true,"num":0},{}],"z":{"_placeholder":true,"num":1}},[{"_placeholder":true,"num":2},{"_placeholder":true,"num":3}]]`, [][]byte{b, a, b, a}},
		{"struct bytes are base64", []any{msg{Text: "t", Blob: []byte("hi")}}, `[{"text":"t","blob":"aGk="}]`, nil},
		{"raw message", []any{json.RawMessage(`{"pre":"encoded"}`), json.RawMessage(nil)}, `[{"pre":"encoded"},null]`, nil},
		{"nil containers", []any{[]any(nil), map[string]any(nil), []any{}}, `[null,null,[]]`, nil},
		{"map sorted", []any{map[string]any{"b": 2, "a": 1, "c": map[string]any{"y": 1, "x": 2}}}, `[{"a":1,"b":2,"c":{"x":2,"y":1}}]`, nil},
		{"typed map via json", []any{map[string]int{"b": 2, "a": 1}}, `[{"a":1,"b":2}]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, att, err := MarshalArgs(tt.values...)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tt.want {
				t.Errorf("data = %s\nwant   %s", data, tt.want)
			}
			if !json.Valid(data) {
				t.Errorf("data is not valid JSON")
			}
			if len(att) != len(tt.attachments) {
				t.Fatalf("%d attachments, want %d", len(att), len(tt.attachments))
			}
			for i := range att {
				if !bytes.Equal(att[i], tt.attachments[i]) || att[i] == nil {
					t.Errorf("attachment %d = %q, want %q", i, att[i], tt.attachments[i])
				}
			}
			// Twice gives the same bytes.
			again, _, _ := MarshalArgs(tt.values...)
			if !bytes.Equal(again, data) {
				t.Errorf("second call gave %s", again)
			}
		})
	}
}

// TestMarshalArgsStringsMatchEncodingJSON compares the string fast path with
// encoding/json (HTML escaping off) on awkward strings.
func TestMarshalArgsStringsMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", "\x00\x07\x7f", "\xe2\x80", "a\u2028b", "\U0001F600", "\xed\xa0\x80", "<>&'"} {
		got, _, err := MarshalArgs(s)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode([]string{s}); err != nil {
			t.Fatal(err)
		}
		if want := bytes.TrimSuffix(buf.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
			t.Errorf("MarshalArgs(%q) = %s, encoding/json gives %s", s, got, want)
		}
	}
}

func TestMarshalArgsErrors(t *testing.T) {
	t.Parallel()
	loop := []any{nil}
	loop[0] = loop
	if _, _, err := MarshalArgs(loop); !errors.Is(err, ErrMarshalDepth) {
		t.Errorf("self-containing slice: err = %v, want ErrMarshalDepth", err)
	}
	if _, _, err := MarshalArgs("e", make(chan int)); err == nil {
		t.Error("channel: no error")
	}
	if _, _, err := MarshalArgs(json.RawMessage(`{`)); err == nil {
		t.Error("invalid RawMessage: no error")
	}
	// Text that is not UTF-8 would never be written (engineio refuses it):
	// the emit fails here instead of being dropped later.
	if _, _, err := MarshalArgs(json.RawMessage("[\"\xff\xfe\"]")); err == nil {
		t.Error("RawMessage that is not UTF-8: no error")
	}
}

// TestMarshalArgsDecode checks that what MarshalArgs builds is an event the
// decoder accepts, with the attachments resolving to the values.
func TestMarshalArgsDecode(t *testing.T) {
	t.Parallel()
	data, att, err := MarshalArgs("file", map[string]any{"name": "a.bin", "body": []byte{9, 8}}, []byte{7})
	if err != nil {
		t.Fatal(err)
	}
	p := Packet{Type: Event, Namespace: "/files", ID: 4, Data: data, Attachments: att}
	var d Decoder
	got, err := decodeAll(t, &d, string(p.Encode()), att...)
	if err != nil {
		t.Fatal(err)
	}
	want := p
	want.Type = BinaryEvent // an EVENT with attachments is sent as BINARY_EVENT
	if !equalPacket(got, &want) {
		t.Fatalf("got %+v", *got)
	}
	name, rest, err := got.EventName()
	if err != nil || name != "file" {
		t.Fatalf("EventName = %q, %v", name, err)
	}
	var args []json.RawMessage
	if err := json.Unmarshal(append([]byte("["), rest...), &args); err != nil || len(args) != 2 {
		t.Fatalf("args %s: %v", rest, err)
	}
	if string(args[1]) != `{"_placeholder":true,"num":1}` || !bytes.Equal(got.Attachments[1], []byte{7}) {
		t.Errorf("second argument %s, attachment %v", args[1], got.Attachments[1])
	}
}

func TestAppendArg(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		v    any
	}{
		{"string", "a<b>&\u2028"},
		{"bytes", []byte("bin")},
		{"nil bytes", []byte(nil)},
		{"nested bytes", []any{1, []byte("x"), map[string]any{"b": []byte("y")}}},
		{"struct", struct {
			A int    `json:"a"`
			B []byte `json:"b"`
		}{1, []byte("z")}},
		{"raw", json.RawMessage(`{"k":[1,2]}`)},
		{"nil", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			// After a first argument with one attachment, as a caller
			// writing the other arguments itself would have it.
			first := []byte("first")
			want, wantAtt, err := MarshalArgs(first, c.v)
			if err != nil {
				t.Fatal(err)
			}
			dst := []byte(`[{"_placeholder":true,"num":0},`)
			got, gotAtt, err := AppendArg(dst, [][]byte{first}, c.v)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ']')
			if string(got) != string(want) {
				t.Errorf("AppendArg: %s, MarshalArgs: %s", got, want)
			}
			if !reflect.DeepEqual(gotAtt, wantAtt) {
				t.Errorf("attachments: %q, MarshalArgs: %q", gotAtt, wantAtt)
			}
		})
	}
	t.Run("error", func(t *testing.T) {
		dst := []byte("[1,")
		got, att, err := AppendArg(dst, nil, math.NaN())
		if err == nil || string(got) != "[1," || att != nil {
			t.Errorf("AppendArg(NaN) = %q, %v, %v; want the input back and an error", got, att, err)
		}
	})
}

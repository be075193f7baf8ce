package parser

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// decodeAll feeds msgs (text first, then binary attachments) to a new Decoder
// and returns the packet completed by the last message.
func decodeAll(t *testing.T, d *Decoder, text string, attachments ...[]byte) (*Packet, error) {
	t.Helper()
	p, err := d.Add([]byte(text), false)
	if err != nil {
		return nil, err
	}
	for i, a := range attachments {
		if p != nil {
			t.Fatalf("packet complete before attachment %d", i)
		}
		if p, err = d.Add(a, true); err != nil {
			return nil, err
		}
	}
	if p == nil {
		t.Fatalf("%q with %d attachments: packet incomplete", text, len(attachments))
	}
	return p, nil
}

func equalPacket(a, b *Packet) bool {
	if a.Type != b.Type || a.Namespace != b.Namespace || a.ID != b.ID || !bytes.Equal(a.Data, b.Data) ||
		(a.Data == nil) != (b.Data == nil) || len(a.Attachments) != len(b.Attachments) {
		return false
	}
	for i := range a.Attachments {
		if !bytes.Equal(a.Attachments[i], b.Attachments[i]) {
			return false
		}
	}
	return true
}

func TestDecode(t *testing.T) {
	t.Parallel()
	bin0, bin1 := []byte{0xde, 0xad}, []byte("second")
	tests := []struct {
		name        string
		text        string
		attachments [][]byte
		want        Packet
	}{
		{"connect main", `0`, nil, Packet{Type: Connect, Namespace: "/", ID: NoID}},
		{"connect main auth", `0{"token":"abc"}`, nil, Packet{Type: Connect, Namespace: "/", ID: NoID, Data: []byte(`{"token":"abc"}`)}},
		{"connect nsp trailing comma", `0/chat,`, nil, Packet{Type: Connect, Namespace: "/chat", ID: NoID}},
		{"connect nsp no comma", `0/chat`, nil, Packet{Type: Connect, Namespace: "/chat", ID: NoID}},
		{"connect nsp auth", `0/admin,{"token":"x"}`, nil, Packet{Type: Connect, Namespace: "/admin", ID: NoID, Data: []byte(`{"token":"x"}`)}},
		{"connect explicit main nsp", `0/,{}`, nil, Packet{Type: Connect, Namespace: "/", ID: NoID, Data: []byte(`{}`)}},
		{"disconnect main", `1`, nil, Packet{Type: Disconnect, Namespace: "/", ID: NoID}},
		{"disconnect nsp", `1/chat`, nil, Packet{Type: Disconnect, Namespace: "/chat", ID: NoID}},
		{"disconnect nsp comma", `1/chat,`, nil, Packet{Type: Disconnect, Namespace: "/chat", ID: NoID}},
		{"event", `2["chat_message",{"text":"hi","room":"lobby"}]`, nil, Packet{Type: Event, Namespace: "/", ID: NoID, Data: []byte(`["chat_message",{"text":"hi","room":"lobby"}]`)}},
		{"event nsp", `2/chat,["a"]`, nil, Packet{Type: Event, Namespace: "/chat", ID: NoID, Data: []byte(`["a"]`)}},
		{"event ack id", `212["a",1]`, nil, Packet{Type: Event, Namespace: "/", ID: 12, Data: []byte(`["a",1]`)}},
		{"event nsp ack id", `2/chat,0["a"]`, nil, Packet{Type: Event, Namespace: "/chat", ID: 0, Data: []byte(`["a"]`)}},
		{"event numeric name", `2[42,"x"]`, nil, Packet{Type: Event, Namespace: "/", ID: NoID, Data: []byte(`[42,"x"]`)}},
		{"event whitespace", `2 [ "a" , 1 ] `, nil, Packet{Type: Event, Namespace: "/", ID: NoID, Data: []byte(` [ "a" , 1 ] `)}},
		{"event without payload", `2`, nil, Packet{Type: Event, Namespace: "/", ID: NoID}},
		{"event max id", `29007199254740991["a"]`, nil, Packet{Type: Event, Namespace: "/", ID: MaxID, Data: []byte(`["a"]`)}},
		{"ack", `3/chat,7["ok",{"n":1}]`, nil, Packet{Type: Ack, Namespace: "/chat", ID: 7, Data: []byte(`["ok",{"n":1}]`)}},
		{"ack empty", `35[]`, nil, Packet{Type: Ack, Namespace: "/", ID: 5, Data: []byte(`[]`)}},
		{"connect error object", `4{"message":"Not authorized"}`, nil, Packet{Type: ConnectError, Namespace: "/", ID: NoID, Data: []byte(`{"message":"Not authorized"}`)}},
		{"connect error string", `4/admin,"Invalid namespace"`, nil, Packet{Type: ConnectError, Namespace: "/admin", ID: NoID, Data: []byte(`"Invalid namespace"`)}},
		{"binary event", `51-["a",{"_placeholder":true,"num":0}]`, [][]byte{bin0}, Packet{Type: BinaryEvent, Namespace: "/", ID: NoID, Data: []byte(`["a",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{bin0}}},
		{"binary event nsp id two", `52-/files,9["up",{"a":{"_placeholder":true,"num":1}},[{"num":0,"_placeholder":true}]]`, [][]byte{bin0, bin1}, Packet{Type: BinaryEvent, Namespace: "/files", ID: 9, Data: []byte(`["up",{"a":{"_placeholder":true,"num":1}},[{"num":0,"_placeholder":true}]]`), Attachments: [][]byte{bin0, bin1}}},
		{"binary event unused attachment", `52-["a",{"_placeholder":true,"num":0}]`, [][]byte{bin0, bin1}, Packet{Type: BinaryEvent, Namespace: "/", ID: NoID, Data: []byte(`["a",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{bin0, bin1}}},
		{"binary event placeholder false", `51-["a",{"_placeholder":false,"num":7}]`, [][]byte{bin0}, Packet{Type: BinaryEvent, Namespace: "/", ID: NoID, Data: []byte(`["a",{"_placeholder":false,"num":7}]`), Attachments: [][]byte{bin0}}},
		{"binary event escaped key", `51-["a",{"\u005fplaceholder":true,"num":0}]`, [][]byte{bin0}, Packet{Type: BinaryEvent, Namespace: "/", ID: NoID, Data: []byte(`["a",{"\u005fplaceholder":true,"num":0}]`), Attachments: [][]byte{bin0}}},
		{"binary ack", `61-/chat,3[{"_placeholder":true,"num":0}]`, [][]byte{{}}, Packet{Type: BinaryAck, Namespace: "/chat", ID: 3, Data: []byte(`[{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{}}}},
		{"binary max attachments", `510-[` + strings.Repeat(`"x",`, 9) + `"x"]`, bytes.Fields(bytes.Repeat([]byte("b "), 10)), Packet{Type: BinaryEvent, Namespace: "/", ID: NoID, Data: []byte(`[` + strings.Repeat(`"x",`, 9) + `"x"]`), Attachments: bytes.Fields(bytes.Repeat([]byte("b "), 10))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d Decoder
			got, err := decodeAll(t, &d, tt.text, tt.attachments...)
			if err != nil {
				t.Fatalf("Add(%q): %v", tt.text, err)
			}
			if !equalPacket(got, &tt.want) {
				t.Errorf("Add(%q) = %+v, want %+v", tt.text, *got, tt.want)
			}
			if tt.want.Data != nil && &got.Data[0] != &[]byte(tt.text)[0] && !bytes.HasSuffix([]byte(tt.text), got.Data) {
				t.Errorf("Data %q is not the message's tail", got.Data)
			}
		})
	}
}

func TestDecodeAliasesMessage(t *testing.T) {
	t.Parallel()
	msg := []byte(`2/chat,["a",1]`)
	var d Decoder
	p, err := d.Add(msg, false)
	if err != nil {
		t.Fatal(err)
	}
	if &p.Data[0] != &msg[7] {
		t.Error("Data does not alias the message")
	}
	_, rest, err := p.EventName()
	if err != nil {
		t.Fatal(err)
	}
	if &rest[0] != &msg[12] {
		t.Error("EventName's rest does not alias the message")
	}
}

func TestDecodeMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		text   string
		max    int
		reason string // part of ParseError.Reason
		offset int
	}{
		{"empty", ``, 0, "empty message", 0},
		{"unknown type", `7["a"]`, 0, "unknown packet type '7'", 0},
		{"letter type", `x`, 0, "unknown packet type 'x'", 0},
		{"binary no count", `5-["a"]`, 0, "illegal attachments", 1},
		{"binary no dash", `51["a"]`, 0, "illegal attachments", 2},
		{"binary end after count", `51`, 0, "illegal attachments", 2},
		{"binary zero", `50-["a"]`, 0, "count must be at least 1", 1},
		{"binary too many", `511-["a"]`, 0, "too many attachments: 11 > 10", 1},
		{"binary too many custom", `53-["a"]`, 2, "too many attachments: 3 > 2", 1},
		{"binary count too long", `612345678901-[]`, 0, "attachment count too long", 1},
		{"ack id too long", `212345678901234567["a"]`, 0, "ack id too long", 1},
		{"ack id too large", `29007199254740992["a"]`, 0, "ack id too large", 1},
		{"bad json", `2["a"`, 0, "not valid JSON", 1},
		{"bad json trailing", `2["a"]x`, 0, "not valid JSON", 1},
		{"bad json nsp", `2/chat,{`, 0, "not valid JSON", 7},
		{"connect array", `0["a"]`, 0, "CONNECT payload is not an object", 1},
		{"connect null", `0/chat,null`, 0, "CONNECT payload is not an object", 7},
		{"connect string", `0"x"`, 0, "CONNECT payload is not an object", 1},
		{"disconnect payload", `1/chat,{}`, 0, "DISCONNECT packet with payload", 7},
		{"disconnect space", `1 `, 0, "DISCONNECT packet with payload", 1},
		{"connect error array", `4[]`, 0, "neither an object nor a string", 1},
		{"connect error number", `4 true`, 0, "neither an object nor a string", 2},
		{"event object", `2{"a":1}`, 0, "event payload is not an array", 1},
		{"event string", `2"a"`, 0, "event payload is not an array", 1},
		{"event empty array", `2[]`, 0, "empty array", 2},
		{"event object name", `2[{"a":1}]`, 0, "neither a string nor a number", 2},
		{"event null name", `2[null]`, 0, "neither a string nor a number", 2},
		{"event array name", `2[["a"]]`, 0, "neither a string nor a number", 2},
		{"binary event bad name", `51-[true,{"_placeholder":true,"num":0}]`, 0, "neither a string nor a number", 4},
		{"reserved connect", `2["connect"]`, 0, `reserved event name "connect"`, 2},
		{"reserved escaped", `2/chat,["dis\u0063onnect",1]`, 0, `reserved event name "disconnect"`, 8},
		{"reserved binary", `51-["newListener",{"_placeholder":true,"num":0}]`, 0, `reserved event name "newListener"`, 4},
		{"ack object", `31{}`, 0, "ACK payload is not an array", 2},
		{"binary ack object", `61-1{}`, 0, "BINARY_ACK payload is not an array", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Decoder{MaxAttachments: tt.max}
			p, err := d.Add([]byte(tt.text), false)
			if err == nil {
				t.Fatalf("Add(%q) = %+v, want error", tt.text, p)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if !strings.Contains(pe.Reason, tt.reason) || pe.Offset != tt.offset {
				t.Errorf("Add(%q): reason %q at %d, want %q at %d", tt.text, pe.Reason, pe.Offset, tt.reason, tt.offset)
			}
			if !strings.HasPrefix(err.Error(), "socketio: ") {
				t.Errorf("error %q lacks the socketio: prefix", err)
			}
			// The decoder is usable again after an error.
			if p, err := d.Add([]byte(`2["ok"]`), false); err != nil || p == nil {
				t.Errorf("Add after error = %v, %v", p, err)
			}
		})
	}
}

func TestReservedEvents(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"} {
		if !IsReservedEvent(name) {
			t.Errorf("IsReservedEvent(%q) = false", name)
		}
	}
	for _, name := range []string{"", "Connect", "message", "connect ", "error", "ping"} {
		if IsReservedEvent(name) {
			t.Errorf("IsReservedEvent(%q) = true", name)
		}
	}
}

// TestBinarySequence feeds messages one at a time and checks what each Add
// returns, including the error cases of binary reconstruction.
func TestBinarySequence(t *testing.T) {
	t.Parallel()
	type step struct {
		text   string // a text message, or
		binary []byte // a binary message when text is ""
		done   bool   // Add returns a packet
		errSub string // Add fails with an error containing this
	}
	tests := []struct {
		name  string
		max   int
		steps []step
	}{
		{"two attachments then text", 0, []step{
			{text: `52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`},
			{binary: []byte{1}},
			{binary: []byte{2}, done: true},
			{text: `2["b"]`, done: true},
		}},
		{"binary when none expected", 0, []step{
			{binary: []byte{1}, errSub: "binary message when no attachment is expected"},
			{text: `2["b"]`, done: true},
		}},
		{"binary after complete packet", 0, []step{
			{text: `51-["a",{"_placeholder":true,"num":0}]`},
			{binary: []byte{1}, done: true},
			{binary: []byte{2}, errSub: "binary message when no attachment is expected"},
		}},
		{"text while awaiting", 0, []step{
			{text: `52-["a",{"_placeholder":true,"num":0}]`},
			{binary: []byte{1}},
			{text: `2["b"]`, errSub: "text message while 1 more attachments are expected"},
			{text: `2["b"]`, done: true},
		}},
		{"too many attachments", 3, []step{
			{text: `54-["a"]`, errSub: "too many attachments: 4 > 3"},
			{binary: []byte{1}, errSub: "binary message when no attachment is expected"},
		}},
		{"placeholder beyond count", 0, []step{
			{text: `51-["a",{"_placeholder":true,"num":1}]`},
			{binary: []byte{1}, errSub: "illegal attachments"},
			{text: `2["b"]`, done: true},
		}},
		{"placeholder negative", 0, []step{
			{text: `61-1[{"_placeholder":true,"num":-1}]`},
			{binary: []byte{1}, errSub: "illegal attachments"},
		}},
		{"placeholder without num", 0, []step{
			{text: `51-["a",[{"_placeholder":true}]]`},
			{binary: []byte{1}, errSub: "illegal attachments"},
		}},
		{"placeholder string num", 0, []step{
			{text: `51-["a",{"_placeholder":true,"num":"0"}]`},
			{binary: []byte{1}, errSub: "illegal attachments"},
		}},
		{"placeholder fraction num", 0, []step{
			{text: `51-["a",{"_placeholder":true,"num":0.5}]`},
			{binary: []byte{1}, errSub: "illegal attachments"},
		}},
		{"placeholder last duplicate key wins", 0, []step{
			{text: `51-["a",{"_placeholder":true,"num":5,"num":0}]`},
			{binary: []byte{1}, done: true},
		}},
		{"invalid placeholder inside valid one", 0, []step{
			{text: `51-["a",{"_placeholder":true,"num":0,"x":{"_placeholder":true,"num":9}}]`},
			{binary: []byte{1}, done: true},
		}},
		{"binary packet without payload", 0, []step{
			{text: `51-`},
			{binary: []byte{1}, done: true},
		}},
		{"reset drops pending", 0, []step{
			{text: `52-["a"]`},
			{binary: []byte{1}},
			{text: "reset"},
			{binary: []byte{1}, errSub: "binary message when no attachment is expected"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Decoder{MaxAttachments: tt.max}
			for i, s := range tt.steps {
				var p *Packet
				var err error
				switch {
				case s.text == "reset":
					d.Reset()
					continue
				case s.text != "":
					p, err = d.Add([]byte(s.text), false)
				default:
					p, err = d.Add(s.binary, true)
				}
				if s.errSub != "" {
					if err == nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), s.errSub) {
						t.Fatalf("step %d: Add = %v, %v; want error containing %q", i, p, err, s.errSub)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d: Add: %v", i, err)
				}
				if (p != nil) != s.done {
					t.Fatalf("step %d: Add returned packet %v, want done=%v", i, p, s.done)
				}
			}
		})
	}
}

func TestBinaryAttachmentsInOrder(t *testing.T) {
	t.Parallel()
	var d Decoder
	if p, err := d.Add([]byte(`53-["a",{"_placeholder":true,"num":2}]`), false); p != nil || err != nil {
		t.Fatalf("Add(text) = %v, %v", p, err)
	}
	msgs := [][]byte{[]byte("zero"), []byte("one"), []byte("two")}
	var p *Packet
	for _, m := range msgs {
		var err error
		if p, err = d.Add(m, true); err != nil {
			t.Fatal(err)
		}
	}
	if p == nil || len(p.Attachments) != 3 {
		t.Fatalf("packet = %+v", p)
	}
	for i, m := range msgs {
		if &p.Attachments[i][0] != &m[0] {
			t.Errorf("attachment %d is not the message it came from", i)
		}
	}
	if p.Type != BinaryEvent {
		t.Errorf("Type = %v, want BINARY_EVENT", p.Type)
	}
}

func TestEventName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data, name, rest string
	}{
		{`["chat",{"a":1}]`, "chat", `{"a":1}]`},
		{`["only"]`, "only", `]`},
		{` [ "sp" , 1 , 2 ] `, "sp", ` 1 , 2 ] `},
		{`["sp" ]`, "sp", `]`},
		{`["",1]`, "", `1]`},
		{`["esc\"aped\u00e9",1]`, `esc"apedé`, `1]`},
		{`["日本",1]`, "日本", `1]`},
		{`[1,"a"]`, "1", `"a"]`},
		{`[-0]`, "0", `]`},
		{`[2.50]`, "2.5", `]`},
		{`[1e2]`, "100", `]`},
		{`[1E21]`, "1e+21", `]`},
		{`[1.5e-7]`, "1.5e-7", `]`},
		{`[0.000001]`, "0.000001", `]`},
		{`[1e999]`, "Infinity", `]`},
		{`[-1e999]`, "-Infinity", `]`},
		{`[123456789012345678901234]`, "1.2345678901234569e+23", `]`},
	}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			t.Parallel()
			for _, decoded := range []bool{true, false} {
				p := &Packet{Type: Event, ID: NoID, Data: []byte(tt.data)}
				if decoded {
					var d Decoder
					var err error
					if p, err = d.Add([]byte("2"+tt.data), false); err != nil {
						t.Fatal(err)
					}
				}
				name, rest, err := p.EventName()
				if err != nil {
					t.Fatalf("decoded=%v: EventName: %v", decoded, err)
				}
				if name != tt.name || string(rest) != tt.rest {
					t.Errorf("decoded=%v: EventName = %q, %q; want %q, %q", decoded, name, rest, tt.name, tt.rest)
				}
			}
		})
	}
}

func TestEventNameErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    Packet
	}{
		{"ack", Packet{Type: Ack, Data: []byte(`["a"]`)}},
		{"connect", Packet{Type: Connect, Data: []byte(`{}`)}},
		{"no payload", Packet{Type: Event}},
		{"not array", Packet{Type: Event, Data: []byte(`{"a":1}`)}},
		{"empty array", Packet{Type: Event, Data: []byte(`[]`)}},
		{"object name", Packet{Type: BinaryEvent, Data: []byte(`[{}]`)}},
		{"unterminated", Packet{Type: Event, Data: []byte(`["a`)}},
		{"bad after name", Packet{Type: Event, Data: []byte(`["a":1]`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if name, rest, err := tt.p.EventName(); !errors.Is(err, ErrMalformed) {
				t.Errorf("EventName = %q, %q, %v; want ErrMalformed", name, rest, err)
			}
		})
	}
}

// TestEventNameAfterDataChange checks that the name the decoder recorded is
// not used once Data is replaced.
func TestEventNameAfterDataChange(t *testing.T) {
	t.Parallel()
	var d Decoder
	p, err := d.Add([]byte(`2["first",1]`), false)
	if err != nil {
		t.Fatal(err)
	}
	p.Data = []byte(`["second"]`)
	if name, rest, err := p.EventName(); err != nil || name != "second" || string(rest) != "]" {
		t.Errorf("EventName = %q, %q, %v", name, rest, err)
	}
}

func TestAckArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    Packet
		rest string
		ok   bool
	}{
		{Packet{Type: Ack, Data: []byte(`[1,"a"]`)}, `1,"a"]`, true},
		{Packet{Type: Ack, Data: []byte(` []`)}, `]`, true},
		{Packet{Type: Ack}, `]`, true},
		{Packet{Type: BinaryAck, Data: []byte(`[{"_placeholder":true,"num":0}]`)}, `{"_placeholder":true,"num":0}]`, true},
		{Packet{Type: Ack, Data: []byte(`{}`)}, ``, false},
		{Packet{Type: Event, Data: []byte(`["a"]`)}, ``, false},
	}
	for _, tt := range tests {
		rest, err := tt.p.AckArgs()
		if (err == nil) != tt.ok || string(rest) != tt.rest {
			t.Errorf("AckArgs(%v %q) = %q, %v; want %q, ok=%v", tt.p.Type, tt.p.Data, rest, err, tt.rest, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("error %v does not wrap ErrMalformed", err)
		}
	}
}

func TestTypeString(t *testing.T) {
	t.Parallel()
	want := []string{"CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK", "Type(7)"}
	for i, w := range want {
		if got := Type(i).String(); got != w {
			t.Errorf("Type(%d).String() = %q, want %q", i, got, w)
		}
	}
}

// TestNameCache checks that repeated event names and namespaces are shared
// rather than allocated again, and that the cache stays bounded.
func TestNameCache(t *testing.T) {
	var d Decoder
	msg := []byte(`2/chat,["chat_message",1]`)
	allocs := testing.AllocsPerRun(100, func() {
		p, err := d.Add(msg, false)
		if err != nil || p.Namespace != "/chat" {
			t.Fatal(p, err)
		}
	})
	if allocs > 1 {
		t.Errorf("decoding a repeated event allocates %v times, want at most 1 (the Packet)", allocs)
	}
	for i := range 3 * nameCacheSize {
		msg := []byte(`2/n` + strings.Repeat("x", i) + `,["e` + strings.Repeat("y", i) + `"]`)
		p, err := d.Add(msg, false)
		if err != nil {
			t.Fatal(err)
		}
		if name, _, _ := p.EventName(); name != "e"+strings.Repeat("y", i) {
			t.Fatalf("name %q", name)
		}
	}
	long := strings.Repeat("z", maxCachedString+1)
	if p, err := d.Add([]byte(`2["`+long+`"]`), false); err != nil {
		t.Fatal(err)
	} else if name, _, _ := p.EventName(); name != long {
		t.Fatalf("long name %q", name)
	}
	for _, s := range d.names {
		if len(s) > maxCachedString {
			t.Errorf("cached a name of %d bytes", len(s))
		}
	}
}

// TestAddTo decodes a mix of packets into one reused Packet and checks that
// this allocates nothing for text events.
func TestAddTo(t *testing.T) {
	var d Decoder
	var p Packet
	steps := []struct {
		data   string
		binary bool
		done   bool
		want   Packet
	}{
		{`2/chat,3["a",1]`, false, true, Packet{Type: Event, Namespace: "/chat", ID: 3, Data: []byte(`["a",1]`)}},
		{`52-["b",{"_placeholder":true,"num":1}]`, false, false, Packet{}},
		{"x", true, false, Packet{}},
		{"y", true, true, Packet{Type: BinaryEvent, Namespace: "/", ID: NoID, Data: []byte(`["b",{"_placeholder":true,"num":1}]`), Attachments: [][]byte{[]byte("x"), []byte("y")}}},
		{`1`, false, true, Packet{Type: Disconnect, Namespace: "/", ID: NoID}},
	}
	for i, s := range steps {
		done, err := d.AddTo(&p, []byte(s.data), s.binary)
		if err != nil || done != s.done {
			t.Fatalf("step %d: AddTo = %v, %v", i, done, err)
		}
		if done && !equalPacket(&p, &s.want) {
			t.Fatalf("step %d: packet %+v, want %+v", i, p, s.want)
		}
	}
	msg := []byte(`2/chat,["chat_message",{"text":"hi"}]`)
	allocs := testing.AllocsPerRun(100, func() {
		if done, err := d.AddTo(&p, msg, false); !done || err != nil {
			t.Fatal(done, err)
		}
		if name, _, err := p.EventName(); name != "chat_message" || err != nil {
			t.Fatal(name, err)
		}
	})
	if allocs != 0 {
		t.Errorf("AddTo of a repeated text event allocates %v times, want 0", allocs)
	}
}

// TestDecodePrefixes decodes every prefix of well-formed messages, in the
// spirit of a one-byte-at-a-time reader: each either fails with ErrMalformed
// or gives a packet that round-trips.
func TestDecodePrefixes(t *testing.T) {
	t.Parallel()
	for _, msg := range []string{
		`2/chat,12["chat_message",{"text":"hi","room":"lobby"}]`,
		`52-/files,9["up",{"a":{"_placeholder":true,"num":1}},[{"num":0,"_placeholder":true}]]`,
		`0/admin,{"token":"x"}`,
		`4/admin,"Invalid namespace"`,
		`61-/chat,3[{"_placeholder":true,"num":0}]`,
	} {
		for n := 0; n <= len(msg); n++ {
			var d Decoder
			p, err := d.Add([]byte(msg[:n]), false)
			for i := 0; err == nil && p == nil; i++ {
				p, err = d.Add([]byte{byte(i)}, true)
			}
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("%q: %v does not wrap ErrMalformed", msg[:n], err)
				}
				continue
			}
			checkDecoded(t, p, DefaultMaxAttachments)
		}
	}
}

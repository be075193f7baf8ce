package engineio

import (
	"bytes"
	"fmt"
	"testing"
)

func TestDecodeText(t *testing.T) {
	tests := []struct {
		in      string
		want    packet
		wantErr bool
	}{
		{"0{}", packet{typ: typeOpen, data: []byte("{}")}, false},
		{"1", packet{typ: typeClose, data: []byte{}}, false},
		{"2probe", packet{typ: typePing, data: []byte("probe")}, false},
		{"3", packet{typ: typePong, data: []byte{}}, false},
		{"4hello €", packet{typ: typeMessage, data: []byte("hello €")}, false},
		{"5", packet{typ: typeUpgrade, data: []byte{}}, false},
		{"6", packet{typ: typeNoop, data: []byte{}}, false},
		{"bAQID", packet{typ: typeMessage, binary: true, data: []byte{1, 2, 3}}, false},
		{"b", packet{typ: typeMessage, binary: true, data: []byte{}}, false},
		{"", packet{}, true},
		{"7", packet{}, true},
		{"/", packet{}, true},
		{"x4", packet{}, true},
		{"b!!", packet{}, true},
		{"bAQI", packet{}, true}, // missing padding
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, err := decodeText([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got.typ != tt.want.typ || got.binary != tt.want.binary || !bytes.Equal(got.data, tt.want.data) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if enc := got.appendText(nil); string(enc) != tt.in {
				t.Errorf("re-encoded %q", enc)
			}
			if n := got.textSize(); n != len(tt.in) {
				t.Errorf("textSize %d, want %d", n, len(tt.in))
			}
		})
	}
}

func TestPayload(t *testing.T) {
	pkts := []packet{
		{typ: typeMessage, data: []byte("hello")},
		{typ: typeMessage, binary: true, data: []byte{1, 2, 3, 4}},
		{typ: typePing},
		{typ: typeMessage, data: []byte("€")},
	}
	enc := appendPayload(nil, pkts)
	if want := "4hello\x1ebAQIDBA==\x1e2\x1e4€"; string(enc) != want {
		t.Fatalf("encoded %q, want %q", enc, want)
	}
	if payloadSize(pkts) != len(enc) {
		t.Errorf("payloadSize %d, want %d", payloadSize(pkts), len(enc))
	}
	var got []packet
	if err := decodePayload(enc, func(p packet) error { got = append(got, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(pkts) {
		t.Fatalf("%d packets, want %d", len(got), len(pkts))
	}
	for i := range pkts {
		if got[i].typ != pkts[i].typ || got[i].binary != pkts[i].binary || !bytes.Equal(got[i].data, pkts[i].data) {
			t.Errorf("packet %d: %+v, want %+v", i, got[i], pkts[i])
		}
	}
	for _, bad := range []string{"", "4a\x1e", "\x1e4a", "4a\x1e\x1e4b", "4a\x1e9"} {
		n := 0
		if err := decodePayload([]byte(bad), func(packet) error { n++; return nil }); err == nil {
			t.Errorf("decodePayload(%q) accepted", bad)
		}
	}
}

// TestPayloadByteAtATime: a payload that arrives split anywhere decodes the
// same once complete (the server reads whole bodies, so this checks that
// no prefix of a valid payload decodes to more packets than the whole).
func TestPayloadPrefixes(t *testing.T) {
	enc := appendPayload(nil, []packet{{typ: typeMessage, data: []byte("ab")}, {typ: typeMessage, binary: true, data: []byte("xyz")}})
	for i := 0; i <= len(enc); i++ {
		n := 0
		_ = decodePayload(enc[:i], func(packet) error { n++; return nil })
		if n > 2 {
			t.Errorf("prefix %q decoded to %d packets", enc[:i], n)
		}
	}
}

func FuzzDecodePacket(f *testing.F) {
	for _, s := range []string{"0{\"sid\":\"x\"}", "1", "2probe", "3probe", "4hello", "5", "6", "bAQID", "b", "", "9", "4\x1e"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodeText(b)
		if err != nil {
			return
		}
		enc := p.appendText(nil)
		if len(enc) != p.textSize() {
			t.Fatalf("textSize %d != len %d", p.textSize(), len(enc))
		}
		q, err := decodeText(enc)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if q.typ != p.typ || q.binary != p.binary || !bytes.Equal(q.data, p.data) {
			t.Fatalf("round trip %q: %+v != %+v", b, q, p)
		}
	})
}

func FuzzDecodePayload(f *testing.F) {
	for _, s := range []string{"4hello\x1ebAQIDBA==\x1e2", "4a", "1", "4\x1e4", "", "\x1e", "bAA==\x1e6"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var pkts []packet
		if err := decodePayload(b, func(p packet) error {
			pkts = append(pkts, packet{typ: p.typ, binary: p.binary, data: bytes.Clone(p.data)})
			return nil
		}); err != nil {
			return
		}
		// Text packets may not contain the separator after a round trip,
		// but decoded ones never do: the property is exact.
		enc := appendPayload(nil, pkts)
		if len(enc) != payloadSize(pkts) {
			t.Fatalf("payloadSize %d != %d", payloadSize(pkts), len(enc))
		}
		var again []packet
		if err := decodePayload(enc, func(p packet) error { again = append(again, p); return nil }); err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if len(again) != len(pkts) {
			t.Fatalf("%d packets after round trip, want %d", len(again), len(pkts))
		}
		for i := range pkts {
			if again[i].typ != pkts[i].typ || again[i].binary != pkts[i].binary || !bytes.Equal(again[i].data, pkts[i].data) {
				t.Fatalf("packet %d: %+v != %+v", i, again[i], pkts[i])
			}
		}
	})
}

func BenchmarkPacketEncode(b *testing.B) {
	for _, bc := range []struct {
		name string
		p    packet
	}{
		{"text", packet{typ: typeMessage, data: bytes.Repeat([]byte("a"), 100)}},
		{"binary", packet{typ: typeMessage, binary: true, data: bytes.Repeat([]byte{7}, 100)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 256)
			for b.Loop() {
				buf = bc.p.appendText(buf[:0])
			}
		})
	}
}

func BenchmarkPacketDecode(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"text", "4" + string(bytes.Repeat([]byte("a"), 100))},
		{"binary", string((packet{typ: typeMessage, binary: true, data: bytes.Repeat([]byte{7}, 100)}).appendText(nil))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			in := []byte(bc.in)
			for b.Loop() {
				if _, err := decodeText(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchPayload() []packet {
	pkts := make([]packet, 10)
	for i := range pkts {
		pkts[i] = packet{typ: typeMessage, data: bytes.Repeat([]byte("a"), 100), binary: i%5 == 0}
	}
	return pkts
}

func BenchmarkPayloadEncode(b *testing.B) {
	b.ReportAllocs()
	pkts := benchPayload()
	buf := make([]byte, 0, 2048)
	for b.Loop() {
		buf = appendPayload(buf[:0], pkts)
	}
}

func BenchmarkPayloadDecode(b *testing.B) {
	b.ReportAllocs()
	enc := appendPayload(nil, benchPayload())
	for b.Loop() {
		if err := decodePayload(enc, func(packet) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

package eiocodec

import (
	"bytes"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		pkts []Packet
		enc  string
	}{
		{"open", []Packet{{Type: TypeOpen, Data: []byte(`{"sid":"x"}`)}}, `0{"sid":"x"}`},
		{"ping and message", []Packet{{Type: TypePing}, {Type: TypeMessage, Data: []byte("hi")}}, "2\x1e4hi"},
		{"binary", []Packet{{Type: TypeMessage, Binary: true, Data: []byte{1, 2, 3}}}, "bAQID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := AppendPayload(nil, tt.pkts)
			if string(enc) != tt.enc || PayloadSize(tt.pkts) != len(enc) {
				t.Fatalf("AppendPayload = %q (size %d), want %q", enc, PayloadSize(tt.pkts), tt.enc)
			}
			var got []Packet
			if err := DecodePayload(enc, func(p Packet) error { got = append(got, p); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.pkts) {
				t.Fatalf("decoded %d packets, want %d", len(got), len(tt.pkts))
			}
			for i := range got {
				if got[i].Type != tt.pkts[i].Type || got[i].Binary != tt.pkts[i].Binary || !bytes.Equal(got[i].Data, tt.pkts[i].Data) {
					t.Errorf("packet %d = %+v, want %+v", i, got[i], tt.pkts[i])
				}
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, in := range []string{"", "9", "b!!", "4\xff"} {
		t.Run(in, func(t *testing.T) {
			err := DecodePayload([]byte(in), func(Packet) error { return nil })
			if _, ok := err.(*Error); !ok {
				t.Fatalf("DecodePayload(%q) = %v, want *Error", in, err)
			}
		})
	}
}

package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/siogo/sio/internal/jsontext"
)

// checkDecoded checks the invariants of a decoded packet and that it
// survives an encode/decode round trip unchanged.
func checkDecoded(t *testing.T, p *Packet, max int) {
	t.Helper()
	if p.Type > BinaryAck {
		t.Fatalf("decoded type %d", p.Type)
	}
	if p.Namespace == "" || p.Namespace[0] != '/' || strings.Contains(p.Namespace, ",") {
		t.Fatalf("decoded namespace %q", p.Namespace)
	}
	if p.ID < NoID || p.ID > MaxID {
		t.Fatalf("decoded id %d", p.ID)
	}
	binary := p.Type == BinaryEvent || p.Type == BinaryAck
	if binary != (len(p.Attachments) > 0) || len(p.Attachments) > max {
		t.Fatalf("%v with %d attachments", p.Type, len(p.Attachments))
	}
	var name string
	var nameErr error
	if p.Type == Event || p.Type == BinaryEvent {
		name, _, nameErr = p.EventName()
		if nameErr != nil && p.Data != nil {
			t.Fatalf("decoded event %q: EventName: %v", p.Data, nameErr)
		}
	}
	if p.Type == Ack || p.Type == BinaryAck {
		if _, err := p.AckArgs(); err != nil {
			t.Fatalf("decoded ack %q: AckArgs: %v", p.Data, err)
		}
	}

	enc := p.Encode()
	d := Decoder{MaxAttachments: max}
	q, err := d.Add(enc, false)
	for _, a := range p.Attachments {
		if err != nil || q != nil {
			break
		}
		q, err = d.Add(a, true)
	}
	if err != nil || q == nil {
		t.Fatalf("re-decoding %q: %v, %v", enc, q, err)
	}
	if !equalPacket(p, q) {
		t.Fatalf("round trip through %q: %+v != %+v", enc, *q, *p)
	}
	if p.Type == Event || p.Type == BinaryEvent {
		if name2, _, err := q.EventName(); name2 != name || (err == nil) != (nameErr == nil) {
			t.Fatalf("event name %q (%v) became %q (%v)", name, nameErr, name2, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, msg []byte) {
		var d Decoder
		p, err := d.Add(msg, false)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		// A binary packet: complete it with empty attachments.
		for i := 0; p == nil; i++ {
			if i > DefaultMaxAttachments {
				t.Fatalf("%q: still incomplete after %d attachments", msg, i)
			}
			if p, err = d.Add([]byte{}, true); err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("error %v does not wrap ErrMalformed", err)
				}
				return
			}
		}
		// AddTo into a reused Packet gives the same packet.
		var d2 Decoder
		reused := Packet{Type: Ack, Namespace: "/stale", ID: 5, Data: []byte("[]"), Attachments: [][]byte{nil}}
		done, err := d2.AddTo(&reused, msg, false)
		for i := 0; err == nil && !done; i++ {
			done, err = d2.AddTo(&reused, []byte{}, true)
		}
		if err != nil || !equalPacket(&reused, p) {
			t.Fatalf("%q: AddTo gave %+v, %v; Add gave %+v", msg, reused, err, *p)
		}
		if p.Data != nil && !bytes.HasSuffix(msg, p.Data) {
			t.Fatalf("Data %q is not the tail of %q", p.Data, msg)
		}
		checkDecoded(t, p, DefaultMaxAttachments)
	})
}

// FuzzBinaryReconstruction fuzzes binary packets two ways: an event built by
// MarshalArgs from fuzzed values must survive encoding and decoding, and a
// fuzzed text message followed by fuzzed binary messages must never panic
// and, when it decodes, must carry exactly those messages.
func FuzzBinaryReconstruction(f *testing.F) {
	f.Fuzz(func(t *testing.T, text []byte, blob []byte, pieces uint8, max uint8) {
		// Built by MarshalArgs.
		name := string(text)
		n := int(pieces%4) + 1
		parts := split(blob, n)
		values := []any{name}
		for i, part := range parts {
			if i%2 == 0 {
				values = append(values, part)
			} else {
				values = append(values, map[string]any{"k": []any{part, string(part)}})
			}
		}
		data, att, err := MarshalArgs(values...)
		if err != nil {
			t.Fatalf("MarshalArgs: %v", err)
		}
		if len(att) != n {
			t.Fatalf("%d attachments for %d []byte values", len(att), n)
		}
		p := &Packet{Type: Event, Namespace: "/bin", ID: int64(pieces), Data: data, Attachments: att}
		var d Decoder
		q, err := d.Add(p.Encode(), false)
		for _, a := range att {
			if err != nil || q != nil {
				break
			}
			q, err = d.Add(a, true)
		}
		if IsReservedEvent(name) {
			if err == nil {
				t.Fatalf("reserved event %q decoded", name)
			}
		} else {
			if err != nil || q == nil {
				t.Fatalf("decoding MarshalArgs output %q: %v, %v", data, q, err)
			}
			var wantName string // name as the JSON encoding spells it (invalid UTF-8 replaced)
			if err := json.Unmarshal(jsontext.AppendString(nil, name), &wantName); err != nil {
				t.Fatal(err)
			}
			if got, _, err := q.EventName(); err != nil || got != wantName {
				t.Fatalf("event name %q (%v), want %q", got, err, name)
			}
			want := *p
			want.Type = BinaryEvent
			if !equalPacket(q, &want) {
				t.Fatalf("round trip: %+v != %+v", *q, want)
			}
		}

		// Raw messages.
		d = Decoder{MaxAttachments: int(max % 12)}
		limit := d.maxAttachments()
		q, err = d.Add(text, false)
		fed := 0
		for _, part := range parts {
			if err != nil || q != nil {
				break
			}
			q, err = d.Add(part, true)
			fed++
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if q == nil {
			return // still waiting
		}
		if len(q.Attachments) != fed {
			t.Fatalf("%d attachments after %d binary messages", len(q.Attachments), fed)
		}
		for i := range q.Attachments {
			if !bytes.Equal(q.Attachments[i], parts[i]) {
				t.Fatalf("attachment %d = %q, want %q", i, q.Attachments[i], parts[i])
			}
		}
		checkDecoded(t, q, limit)
	})
}

// split cuts b into n pieces of about equal length.
func split(b []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range n {
		out[i] = b[len(b)*i/n : len(b)*(i+1)/n]
	}
	return out
}

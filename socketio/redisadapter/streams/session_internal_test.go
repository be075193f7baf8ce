package streams

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestDecodeSession reads sessions as Node's adapter stores them (base64
// of @msgpack/msgpack's encode of {sid, pid, rooms, data}, recorded from
// Node) and refuses what is not one.
func TestDecodeSession(t *testing.T) {
	tests := []struct {
		name, raw string
		rooms     []string
		data      string
		ok        bool
	}{
		{"with data", "hKNzaWSiczGjcGlkonAxpXJvb21zkqJzMaFypGRhdGGCo3RhZ6FjoW7LP/gAAAAAAAA=", []string{"s1", "r"}, `{"tag":"c","n":1.5}`, true},
		{"empty", "hKNzaWSiczGjcGlkonAxpXJvb21zkKRkYXRhgA==", nil, `{}`, true},
		{"not base64", "%%", nil, "", false},
		{"not msgpack", "wcHB", nil, "", false},
		{"not an object", "kA==", nil, "", false},
		{"no sid", "gaNwaWSicDE=", nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := decodeSession(tc.raw)
			if (err == nil) != tc.ok {
				t.Fatalf("decodeSession: %v, want ok %v", err, tc.ok)
			}
			if !tc.ok {
				return
			}
			if st.SID != "s1" || st.PID != "p1" || !reflect.DeepEqual(st.Rooms, tc.rooms) {
				t.Errorf("session %+v", st)
			}
			if d, _ := st.Data.(json.RawMessage); string(d) != tc.data {
				t.Errorf("data %s, want %s", d, tc.data)
			}
		})
	}
}

// TestNextOffset is the exclusive start of XRANGE after an entry id.
func TestNextOffset(t *testing.T) {
	for in, want := range map[string]string{"1-0": "1-1", "1733-41": "1733-42", "5-18446744073709551614": "5-18446744073709551615"} {
		if got, err := nextOffset(in); err != nil || got != want {
			t.Errorf("nextOffset(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

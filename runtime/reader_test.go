package runtime

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decodeIndex decodes a map[string][]string with a Decoder the way siogen's
// generated decoders do, falling back to encoding/json on failure.
func decodeIndex(raw []byte, v *map[string][]string) error {
	var d Decoder
	d.Reset(raw)
	readIndex(&d, v)
	if d.End() {
		return nil
	}
	*v = nil
	return Unmarshal(raw, v)
}

func readIndex(d *Decoder, v *map[string][]string) {
	if d.Null() {
		*v = nil
		return
	}
	m := *v
	if m == nil {
		m = map[string][]string{}
		*v = m
	}
	for ok := d.BeginObject(); ok; ok = d.NextMember() {
		k := string(d.Key())
		var e []string
		if !d.Null() {
			e = []string{}
			for ok := d.BeginArray(); ok; ok = d.NextElement() {
				var s string
				ReadString(d, &s)
				e = append(e, s)
			}
		}
		m[k] = e
	}
}

func TestDecoderMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{}`, ` { } `, `null`, `{"a":["x","y"],"b":[],"c":null}`, `{"a":["x"],"a":["y"]}`, `{"\u0061":["\u00e9","caf\u00e9"]}`,
		`{"a":[null]}`, `{"a":["x",]}`, `{"a":["x"],}`, `{"a" ["x"]}`, `{"a":["x"]`, `{"a":["x"]} x`, `{"a":[1]}`, `{"a":"x"}`,
		`[]`, `"s"`, ``, `{"a":["\ud800"]}`, "{\"a\":[\"\xff\"]}", "{\"a\":[\"\x01\"]}", `{a:[]}`, `{"a":[nul]}`,
	} {
		t.Run(in, func(t *testing.T) {
			var got, want map[string][]string
			gotErr := decodeIndex([]byte(in), &got)
			wantErr := json.Unmarshal([]byte(in), &want)
			if !reflect.DeepEqual(gotErr, wantErr) || !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, %v; encoding/json %v, %v", got, gotErr, want, wantErr)
			}
		})
	}
}

// TestDecoderDepth checks the bound on nesting: BeginArray fails past
// MaxDepth, so a generated decoder's recursion ends there.
func TestDecoderDepth(t *testing.T) {
	for _, tc := range []struct {
		depth int
		ok    bool
	}{{1, true}, {MaxDepth, true}, {MaxDepth + 1, false}} {
		var d Decoder
		d.Reset([]byte(strings.Repeat("[", tc.depth) + strings.Repeat("]", tc.depth)))
		opened := 0
		for d.BeginArray() {
			opened++
		}
		for range opened {
			d.NextElement()
		}
		if got := d.End(); got != tc.ok {
			t.Errorf("depth %d: End() = %t, want %t (opened %d)", tc.depth, got, tc.ok, opened)
		}
		if opened > MaxDepth {
			t.Errorf("depth %d: opened %d levels", tc.depth, opened)
		}
	}
}

package parser

import (
	"encoding/json"
	"fmt"
	"testing"
	"unicode/utf8"
)

// encodingJSONValid is how the parser checked JSON before jsontext.Valid:
// json.Valid on the way in, json.Valid and utf8.Valid for a json.RawMessage
// on the way out.
func encodingJSONValid(b []byte, checkUTF8 bool) bool {
	return json.Valid(b) && (!checkUTF8 || utf8.Valid(b))
}

// decodeAndMarshal decodes msg and encodes json.RawMessage(raw) with the
// parser's JSON check at the time, and describes the outcome.
func decodeAndMarshal(msg, raw []byte) string {
	var d Decoder
	p, err := d.Add(msg, false)
	out := fmt.Sprintf("decode: %v", err)
	if p != nil {
		out += fmt.Sprintf(" %d %q %d %q", p.Type, p.Namespace, p.ID, p.Data)
	}
	data, _, err := MarshalArgs(json.RawMessage(raw))
	return out + fmt.Sprintf("; marshal: %q %v", data, err)
}

// FuzzJSONCheck: the packet decoder and the encoder of json.RawMessage
// arguments accept and refuse exactly what they did with encoding/json's
// checks (json.Valid, and utf8.Valid for a json.RawMessage), with the same
// errors.
func FuzzJSONCheck(f *testing.F) {
	for _, s := range []string{
		`2["echo",{"text":"hello, world","n":42}]`, `21["e",1,]`, `3/x,4[{"a":[1,2,{}]}]`, `0{"t":1}`, `4"no"`,
		`2["e",tru]`, `2["e","\ud800"]`, "2[\"e\",\"\xff\"]", `2[` + "\t" + `"e" ]`, `2["e",01]`, `2["e",{"a" 1}]`,
	} {
		f.Add([]byte(s), []byte(s[1:]))
	}
	f.Fuzz(func(t *testing.T, msg, raw []byte) {
		got := decodeAndMarshal(msg, raw)
		defer func(old func([]byte, bool) bool) { validJSON = old }(validJSON)
		validJSON = encodingJSONValid
		if want := decodeAndMarshal(msg, raw); got != want {
			t.Errorf("%q, %q:\n got %s\nwant %s", msg, raw, got, want)
		}
	})
}

package gen

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestYAMLScalar checks which strings are written plain and which
// quoted: a plain scalar must read back as the same string in YAML 1.1 and
// 1.2 (no number, boolean, null, or indicator).
func TestYAMLScalar(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"chat_message", "chat_message"},
		{"/chat", "/chat"},
		{"$ref", "$ref"},
		{"Socket.IO events of example.com/app", "Socket.IO events of example.com/app"},
		{"#/components/schemas/Message", `"#/components/schemas/Message"`},
		{"3.0.0", `"3.0.0"`},
		{"12", `"12"`},
		{"-1", `"-1"`},
		{".5", `".5"`},
		{"y", `"y"`},
		{"Yes", `"Yes"`},
		{"null", `"null"`},
		{"off", `"off"`},
		{"~", `"~"`},
		{"", `""`},
		{"a: b", `"a: b"`},
		{"a #b", `"a #b"`},
		{"ends with space ", `"ends with space "`},
		{"two\nlines", `"two\nlines"`},
		{"user-left", "user-left"},
		{"-", `"-"`},
		{"{x}", `"{x}"`},
		{"'q'", `"'q'"`},
		{"caf\u00e9", `"caf` + "\u00e9" + `"`},
		{"tab\there", `"tab\there"`},
		{"\u2028", `"\u2028"`},
		{"ctl\x01", `"ctl\u0001"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := yamlScalar(str(tc.in)); got != tc.want {
				t.Errorf("yamlScalar(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

// TestWriters checks the JSON and YAML forms of one document.
func TestWriters(t *testing.T) {
	doc := object().
		set("a", str("x")).
		set("list", array(str("p"), object().set("k", lit("1")).set("m", array(lit("true"))), array(lit("2")))).
		set("empty", object()).
		set("none", array()).
		set("nested", object().set("deep", object().set("v", null())))
	var j, y strings.Builder
	writeJSON(&j, doc, "")
	writeYAML(&y, doc, "")
	wantJSON := `{
  "a": "x",
  "list": [
    "p",
    {
      "k": 1,
      "m": [
        true
      ]
    },
    [
      2
    ]
  ],
  "empty": {},
  "none": [],
  "nested": {
    "deep": {
      "v": null
    }
  }
}`
	wantYAML := `a: x
list:
  - p
  - k: 1
    m:
      - true
  - - 2
empty: {}
none: []
nested:
  deep:
    v: null
`
	var back any
	if err := json.Unmarshal([]byte(j.String()), &back); err != nil {
		t.Errorf("the JSON does not parse: %v", err)
	}
	if j.String() != wantJSON {
		t.Errorf("JSON:\n%s\nwant:\n%s", j.String(), wantJSON)
	}
	if y.String() != wantYAML {
		t.Errorf("YAML:\n%s\nwant:\n%s", y.String(), wantYAML)
	}
}

// FuzzJSONString checks that jsonString writes a JSON string that
// encoding/json reads back as the same string (invalid UTF-8 as U+FFFD,
// as encoding/json writes it), with nothing escaped that YAML or
// JavaScript would read differently.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "chat_message", "a\"b\\c", "\n\t\r\x00\x7f", "caf\u00e9", "\u2028\u2029", "\xff\xfe", "</script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := jsonString(s)
		var back string
		if err := json.Unmarshal([]byte(q), &back); err != nil {
			t.Fatalf("jsonString(%q) = %s, which is not JSON: %v", s, q, err)
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if !utf8.ValidString(s) {
			// encoding/json replaces each invalid byte.
			var b strings.Builder
			for _, r := range s {
				b.WriteRune(r)
			}
			want = b.String()
		}
		if back != want {
			t.Fatalf("jsonString(%q) = %s reads back as %q", s, q, back)
		}
		for _, r := range q {
			if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 {
				t.Fatalf("jsonString(%q) = %s holds %U unescaped", s, q, r)
			}
		}
	})
}

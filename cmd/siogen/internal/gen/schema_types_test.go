package gen

// The types of TestJSONFields: schema_test.go type-checks this file's
// source and compares jsonFields with what encoding/json encodes of values
// of these very types. The file imports nothing, so that it type-checks
// on its own.

type jfPlain struct {
	A      string
	B      int  `json:"b"`
	C      bool `json:"c,omitempty"`
	D      *int `json:"d"`
	hidden int
	Skip   string `json:"-"`
	//lint:ignore SA5008 json:"-," names the field "-", as the test checks
	Dash string `json:"-,"`
	//lint:ignore SA5008 an invalid name: encoding/json uses the Go name, as the test checks
	Bad    string `json:"a\"b"`
	Quoted int    `json:",string"`
}

type jfInner struct {
	X string `json:"x"`
	Y string
	Z string `json:"z"`
}

type jfOther struct {
	Y string
	W string `json:"w"`
}

type jfDeep struct{ jfInner }

type jfEmbed struct {
	jfInner         // promoted: x, z; Y cancels jfOther.Y at the same depth
	jfOther         // promoted: w
	Z       string  // Z, not z: both are fields
	P       *jfPtr  // a field, not embedded
	*jfPtr          // promoted through a pointer
	Tagged  jfOther `json:"tagged"`
}

type jfPtr struct {
	Q string `json:"q"`
}

type jfShadow struct {
	jfDeep        // x, Y, z at depth 2
	X      string `json:"x"` // hides jfDeep's x
	Y      string // hides jfDeep's Y
}

type jfTagWins struct {
	jfTagA
	jfTagB
}

type jfTagA struct {
	A string `json:"N"` // tagged: wins over jfTagB's N
}

type jfTagB struct {
	N string
}

type jfTwice struct {
	jfTwiceA
	jfTwiceB
}

type jfTwiceA struct{ jfPtr }

type jfTwiceB struct{ jfPtr }

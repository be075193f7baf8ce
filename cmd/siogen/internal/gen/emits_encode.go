package gen

import (
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/packages"
)

// encKind says how a value an emitter sends is encoded.
type encKind int

const (
	encJSON    encKind = iota // socketio's encoder: encoding/json (runtime.Encoder.JSON)
	encString                 // Encoder.String
	encBool                   // Encoder.Bool
	encInt                    // Encoder.Int
	encUint                   // Encoder.Uint
	encFloat32                // Encoder.Float32
	encFloat64                // Encoder.Float64
	encBinary                 // a binary attachment (Encoder.Binary)
	encRawJSON                // json.RawMessage (Encoder.RawJSON)
	encStruct                 // a generated field-by-field encoder
)

// valueEncoder is how one value of typ is encoded.
type valueEncoder struct {
	kind   encKind
	typ    types.Type
	fields []encField // encStruct
}

// encField is a field of a struct siogen encodes field by field.
type encField struct {
	goName    string
	key       string // `"name":`, as encoding/json writes it without HTML escaping
	kind      encKind
	typ       types.Type
	omitEmpty bool
	omitZero  bool
	quoted    bool // ",string"
}

// encoderFor returns how a value of type t (not a pointer) is encoded: as
// the declared type says, symmetric with decoderFor (a binary type is an
// attachment, json.RawMessage is copied), scalars and simple structs by
// generated code, everything else by encoding/json through socketio's
// encoder.
func encoderFor(pkg *packages.Package, t types.Type) valueEncoder {
	e := valueEncoder{kind: encJSON, typ: t}
	switch {
	case isRawMessage(t):
		e.kind = encRawJSON
		return e
	case binaryType(t):
		e.kind = encBinary
		return e
	case marshalsItself(t) || isNamed(t, "encoding/json", "Number"):
		return e
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if k, ok := basicEncKind(u); ok {
			e.kind = k
		}
	case *types.Struct:
		if fields, ok := encodableStruct(pkg, t); ok {
			e.kind = encStruct
			e.fields = fields
		}
	}
	return e
}

// marshalsItself reports whether t or *t has MarshalJSON or MarshalText.
func marshalsItself(t types.Type) bool {
	return hasMethod(t, "MarshalJSON") || hasMethod(t, "MarshalText")
}

func basicEncKind(b *types.Basic) (encKind, bool) {
	switch b.Kind() {
	case types.String:
		return encString, true
	case types.Bool:
		return encBool, true
	case types.Int, types.Int8, types.Int16, types.Int32, types.Int64:
		return encInt, true
	case types.Uint, types.Uint8, types.Uint16, types.Uint32, types.Uint64, types.Uintptr:
		return encUint, true
	case types.Float32:
		return encFloat32, true
	case types.Float64:
		return encFloat64, true
	}
	return 0, false
}

// encodableStruct reports whether siogen encodes the named struct type t
// field by field, and its fields in order: exported fields of string, bool,
// integer and floating-point kinds only (without MarshalJSON, MarshalText,
// or, under omitzero, IsZero methods, and not json.Number), no embedded
// fields, json tags with the options omitempty, omitzero and string only,
// and no two names encoding/json could take for one. Everything else is
// left to encoding/json.
func encodableStruct(pkg *packages.Package, t types.Type) ([]encField, bool) {
	st, ok := fieldableStruct(pkg, t)
	if !ok {
		return nil, false
	}
	var fields []encField
	for i := range st.NumFields() {
		f := st.Field(i)
		if f.Embedded() {
			return nil, false
		}
		if !f.Exported() {
			continue
		}
		ef := encField{goName: f.Name(), typ: f.Type()}
		name := f.Name()
		if tag, hasTag := reflect.StructTag(st.Tag(i)).Lookup("json"); hasTag {
			if tag == "-" {
				continue
			}
			tname, opts, _ := strings.Cut(tag, ",")
			if opts != "" {
				for o := range strings.SplitSeq(opts, ",") {
					switch o {
					case "omitempty":
						ef.omitEmpty = true
					case "omitzero":
						ef.omitZero = true
					case "string":
						ef.quoted = true
					default:
						return nil, false
					}
				}
			}
			if tname != "" {
				if !validTagName(tname) {
					return nil, false
				}
				name = tname
			}
		}
		ft := f.Type()
		if marshalsItself(ft) || isNamed(ft, "encoding/json", "Number") || (ef.omitZero && hasIsZero(ft)) {
			return nil, false
		}
		b, ok := types.Unalias(ft).Underlying().(*types.Basic)
		if !ok {
			return nil, false
		}
		if ef.kind, ok = basicEncKind(b); !ok {
			return nil, false
		}
		for _, g := range fields {
			if strings.EqualFold(g.key, `"`+name+`":`) {
				return nil, false // encoding/json's rules for clashing names apply
			}
		}
		ef.key = `"` + name + `":`
		fields = append(fields, ef)
	}
	return fields, true
}

// hasIsZero reports whether t or *t has a method IsZero, which omitzero
// calls.
func hasIsZero(t types.Type) bool {
	if _, isPtr := types.Unalias(t).(*types.Pointer); !isPtr {
		t = types.NewPointer(t)
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "IsZero")
	_, ok := obj.(*types.Func)
	return ok
}

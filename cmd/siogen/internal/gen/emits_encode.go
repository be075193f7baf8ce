package gen

import (
	"go/types"
	"reflect"
	"slices"
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
	encSlice                  // a generated encoder of a slice
	encArray                  // a generated encoder of an array
	encMap                    // a generated encoder of a map with string keys
	encPtr                    // a pointer, inside a generated encoder
)

// valueEncoder is how one value of typ is encoded.
type valueEncoder struct {
	kind   encKind
	typ    types.Type
	fields []encField    // encStruct
	elem   *valueEncoder // encSlice, encArray, encMap, encPtr
	// recursive: the type is on a cycle of the type graph; its generated
	// encoder counts the depth (runtime.Encoder.Enter).
	recursive bool
	// cyclic: of a top-level value, the graph below has a cycle; the
	// argument is written again by encoding/json when the generated code
	// goes deeper than the runtime's limit (a cycle in the data, which
	// encoding/json reports, or a value too deep to tell).
	cyclic bool
}

// generated reports whether the value is encoded by a generated function.
func (ve *valueEncoder) generated() bool {
	switch ve.kind {
	case encStruct, encSlice, encArray, encMap:
		return true
	}
	return false
}

// encField is a field of a struct siogen encodes field by field.
type encField struct {
	goName    string
	key       string // `"name":`, as encoding/json writes it without HTML escaping
	kind      encKind
	typ       types.Type
	enc       *valueEncoder // of typ
	omitEmpty bool
	omitZero  bool
	quoted    bool // ",string"
}

// encoderFor returns how a value of type t (not a pointer) is encoded: as
// the declared type says, symmetric with decoderFor (a binary type is an
// attachment, json.RawMessage is copied), scalars, and structs, slices,
// arrays and maps with string keys of which generated code encodes
// everything inside (see encBuilder), by generated code; everything else by
// encoding/json through socketio's encoder.
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
	if u, ok := t.Underlying().(*types.Basic); ok {
		if k, ok := basicEncKind(u); ok {
			e.kind = k
		}
		return e
	}
	b := &encBuilder{pkg: pkg, seen: map[string]*valueEncoder{}}
	ve := b.of(t)
	if b.bad || !ve.generated() {
		return e
	}
	top := *ve
	top.cyclic = b.cyclic
	return top
}

// encBuilder builds the encoder graph of a type. Generated code encodes a
// value only when it can encode everything inside it: with no
// encoding/json inside, there is no question of which MarshalJSON methods
// encoding/json would call (those of pointer receivers only on addressable
// values) or of []byte inside []any becoming an attachment. Recursive types
// are encoded by recursive functions that count the depth: past the
// runtime's limit the argument is written again by encoding/json, whose
// detection of cycles then reports the error it reports.
type encBuilder struct {
	pkg    *packages.Package
	seen   map[string]*valueEncoder // by type string
	stack  []*valueEncoder          // being built
	bad    bool                     // something inside is not encoded by generated code
	cyclic bool                     // a cycle was found
}

// of returns how generated code encodes a value of type t, setting b.bad
// when it cannot.
func (b *encBuilder) of(t types.Type) *valueEncoder {
	t = types.Unalias(t)
	key := types.TypeString(t, nil)
	if ve := b.seen[key]; ve != nil {
		if i := slices.Index(b.stack, ve); i >= 0 {
			b.cyclic = true
			for _, on := range b.stack[i:] {
				on.recursive = true
			}
		}
		return ve
	}
	ve := &valueEncoder{kind: encJSON, typ: t}
	b.seen[key] = ve
	b.stack = append(b.stack, ve)
	defer func() { b.stack = b.stack[:len(b.stack)-1] }()
	if marshalsItself(t) || isNamed(t, "encoding/json", "Number") || !nameable(b.pkg, t) {
		b.bad = true
		return ve
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if k, ok := basicEncKind(u); ok {
			ve.kind = k
		}
	case *types.Struct:
		if fields, ok := b.encodableStruct(t); ok {
			ve.kind = encStruct
			ve.fields = fields
		}
	case *types.Slice:
		if e, ok := types.Unalias(u.Elem()).Underlying().(*types.Basic); ok && e.Kind() == types.Uint8 {
			break // base64
		}
		ve.kind, ve.elem = encSlice, b.of(u.Elem())
	case *types.Array:
		ve.kind, ve.elem = encArray, b.of(u.Elem())
	case *types.Map:
		if k, ok := u.Key().Underlying().(*types.Basic); ok && k.Kind() == types.String && !marshalsItself(u.Key()) {
			ve.kind, ve.elem = encMap, b.of(u.Elem())
		}
	case *types.Pointer:
		if _, ok := types.Unalias(u.Elem()).Underlying().(*types.Pointer); !ok {
			ve.kind, ve.elem = encPtr, b.of(u.Elem())
		}
	}
	if ve.kind == encJSON {
		b.bad = true
	}
	return ve
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
// field by field, and its fields in order: exported fields of types b
// encodes (scalars, and structs, slices, arrays, maps and pointers of them;
// without, under omitzero, IsZero methods), no embedded fields, json tags
// with the options omitempty, omitzero and string only (omitzero not on a
// struct or an array, string on scalars only), and no two names
// encoding/json could take for one. Everything else is left to
// encoding/json.
func (b *encBuilder) encodableStruct(t types.Type) ([]encField, bool) {
	st, ok := fieldableStruct(b.pkg, t)
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
		if ef.omitZero && hasIsZero(ft) {
			return nil, false
		}
		ef.enc = b.of(ft)
		ef.kind = ef.enc.kind
		switch ef.kind {
		case encString, encBool, encInt, encUint, encFloat32, encFloat64:
		case encSlice, encMap, encPtr:
			if ef.quoted {
				return nil, false // ",string" of a pointer to a scalar: left to encoding/json
			}
		case encStruct, encArray:
			if ef.quoted || ef.omitZero {
				return nil, false
			}
		default:
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

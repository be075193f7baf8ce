package gen

import (
	"fmt"
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/packages"
)

// decKind says how a value is decoded.
type decKind int

const (
	kindString   decKind = iota // runtime.String / DecodeString
	kindBool                    // runtime.Bool / DecodeBool
	kindInt                     // runtime.Int / DecodeInt
	kindUint                    // runtime.Uint / DecodeUint
	kindFloat                   // runtime.Float / DecodeFloat
	kindJSON                    // encoding/json
	kindStruct                  // a generated field-by-field decoder
	kindBinary                  // a binary attachment (Args.Binary)
	kindRawJSON                 // json.RawMessage: the argument's JSON text
	kindRawBytes                // the auth payload's JSON text into a []byte type
	kindSlice                   // a generated decoder of a slice
	kindArray                   // a generated decoder of an array
	kindMap                     // a generated decoder of a map with string keys
	kindPtr                     // a pointer, inside a generated decoder
)

// decoder is how one value of typ is decoded. The decoders of nested
// types form a graph (a recursive type refers to its own decoder).
type decoder struct {
	kind   decKind
	typ    types.Type
	fields []structField // kindStruct
	elem   *decoder      // kindSlice, kindArray, kindMap, kindPtr
}

// generated reports whether the value is decoded by a generated function.
func (d *decoder) generated() bool {
	switch d.kind {
	case kindStruct, kindSlice, kindArray, kindMap:
		return true
	}
	return false
}

type structField struct {
	goName   string
	jsonName string
	dec      *decoder
}

// paramOf classifies a handler parameter of type t; msg (after "parameter
// N") says what is wrong with it.
func paramOf(pkg *packages.Package, t types.Type, variadic bool, qual types.Qualifier) (*param, string) {
	p := &param{typ: t, variadic: variadic}
	elem := t
	if variadic {
		elem = t.(*types.Slice).Elem()
	} else if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		if _, ok := types.Unalias(ptr.Elem()).(*types.Pointer); ok {
			return nil, "has type " + types.TypeString(t, qual) + ", a pointer to a pointer; use a single pointer for an optional argument"
		}
		p.optional = true
		elem = ptr.Elem()
	}
	if role := roleOf(stripPointer(elem)); role != "" {
		return nil, "has type " + types.TypeString(t, qual) + ", which is not a payload: " + role
	}
	if bad, via := unsupported(t, true); bad != nil {
		return nil, "has type " + types.TypeString(t, qual) + viaString(bad, via, t, qual) + ", which cannot be decoded from JSON; use a JSON-decodable type"
	}
	if msg := notPayload(pkg, stripPointer(elem), qual); msg != "" {
		return nil, "has type " + types.TypeString(t, qual) + msg
	}
	if variadic {
		if _, ok := types.Unalias(elem).(*types.Pointer); ok {
			p.dec = decoder{kind: kindJSON, typ: elem}
			return p, ""
		}
	}
	p.dec = decoderFor(pkg, elem)
	return p, ""
}

// decoderFor returns how a (decodable, non-pointer) value of type t is decoded.
func decoderFor(pkg *packages.Package, t types.Type) decoder {
	d := decoder{kind: kindJSON, typ: t}
	if isRawMessage(t) {
		d.kind = kindRawJSON
		return d
	}
	if binaryType(t) {
		d.kind = kindBinary
		return d
	}
	nd := (&decBuilder{pkg: pkg, seen: map[string]*decoder{}}).of(t)
	if nd.kind == kindPtr {
		return d
	}
	return *nd
}

// decBuilder builds the decoder graph of a type.
type decBuilder struct {
	pkg  *packages.Package
	seen map[string]*decoder // by type string: recursive types end here
}

// of returns how a value of type t is decoded inside a generated decoder:
// scalars by the runtime, structs, slices, arrays, maps with string keys
// and pointers by generated code (when the generated code can name the
// types), everything else (types with their own UnmarshalJSON or
// UnmarshalText, interfaces, []byte, other maps, structs simpleStruct
// refuses, pointers to pointers) by encoding/json. A slice, array, map or
// pointer of values encoding/json decodes is left to encoding/json whole.
func (b *decBuilder) of(t types.Type) *decoder {
	t = types.Unalias(t)
	key := types.TypeString(t, nil)
	if d := b.seen[key]; d != nil {
		return d
	}
	d := &decoder{kind: kindJSON, typ: t}
	b.seen[key] = d
	if hasMethod(t, "UnmarshalJSON") || hasMethod(t, "UnmarshalText") || !nameable(b.pkg, t) {
		return d
	}
	container := func(k decKind, elem types.Type) {
		d.kind = k // for the recursive references built meanwhile (type N []N)
		if e := b.of(elem); e.kind != kindJSON {
			d.elem = e
		} else {
			d.kind = kindJSON
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if k, ok := basicKind(u); ok {
			d.kind = k
		}
	case *types.Struct:
		d.kind = kindStruct // for the recursive references built meanwhile
		if fields, ok := b.simpleStruct(t); ok {
			d.fields = fields
		} else {
			d.kind = kindJSON
		}
	case *types.Slice:
		if !isByteSlice(u) { // base64, as encoding/json has it
			container(kindSlice, u.Elem())
		}
	case *types.Array:
		container(kindArray, u.Elem())
	case *types.Map:
		if k, ok := u.Key().Underlying().(*types.Basic); ok && k.Kind() == types.String && !hasMethod(u.Key(), "UnmarshalText") {
			container(kindMap, u.Elem())
		}
	case *types.Pointer:
		if _, ok := types.Unalias(u.Elem()).Underlying().(*types.Pointer); !ok {
			container(kindPtr, u.Elem())
		}
	}
	return d
}

// nameable reports whether the code generated in pkg can name t.
func nameable(pkg *packages.Package, t types.Type) bool {
	switch u := types.Unalias(t).(type) {
	case *types.Basic:
		return true
	case *types.Named:
		if u.TypeArgs().Len() > 0 || u.TypeParams().Len() > 0 || u.Obj().Pkg() == nil {
			return false
		}
		if u.Obj().Parent() != nil && u.Obj().Parent() != u.Obj().Pkg().Scope() {
			return false // declared in a function
		}
		return u.Obj().Pkg() == pkg.Types || u.Obj().Exported()
	case *types.Pointer:
		return nameable(pkg, u.Elem())
	case *types.Slice:
		return nameable(pkg, u.Elem())
	case *types.Array:
		return nameable(pkg, u.Elem())
	case *types.Map:
		return nameable(pkg, u.Key()) && nameable(pkg, u.Elem())
	}
	return false
}

func basicKind(b *types.Basic) (decKind, bool) {
	switch b.Kind() {
	case types.String:
		return kindString, true
	case types.Bool:
		return kindBool, true
	case types.Int, types.Int8, types.Int16, types.Int32, types.Int64:
		return kindInt, true
	case types.Uint, types.Uint8, types.Uint16, types.Uint32, types.Uint64, types.Uintptr:
		return kindUint, true
	case types.Float32, types.Float64:
		return kindFloat, true
	}
	return 0, false
}

// fieldableStruct returns the struct of t when t is a named, non-generic
// struct type the generated code of pkg can name: the first condition of
// decoding (simpleStruct) and encoding (encodableStruct) field by field.
func fieldableStruct(pkg *packages.Package, t types.Type) (*types.Struct, bool) {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.TypeArgs().Len() > 0 || n.TypeParams().Len() > 0 {
		return nil, false
	}
	if n.Obj().Pkg() != pkg.Types && !n.Obj().Exported() {
		return nil, false
	}
	st, ok := n.Underlying().(*types.Struct)
	return st, ok
}

// simpleStruct reports whether t is a named struct type whose decoding siogen
// generates field by field: no embedded fields, json tags with no options
// but omitempty and omitzero, no two names encoding/json would confuse.
// Each field is decoded as b.of says (by encoding/json for the types it
// leaves to encoding/json). Other structs go through encoding/json whole.
func (b *decBuilder) simpleStruct(t types.Type) ([]structField, bool) {
	st, ok := fieldableStruct(b.pkg, t)
	if !ok {
		return nil, false
	}
	var fields []structField
	for i := range st.NumFields() {
		f := st.Field(i)
		if f.Embedded() {
			return nil, false
		}
		if !f.Exported() {
			continue
		}
		name := f.Name()
		tag, hasTag := reflect.StructTag(st.Tag(i)).Lookup("json")
		if hasTag {
			if tag == "-" {
				continue
			}
			tname, opts, _ := strings.Cut(tag, ",")
			if opts != "" {
				for o := range strings.SplitSeq(opts, ",") {
					if o != "omitempty" && o != "omitzero" {
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
		for _, g := range fields {
			if strings.EqualFold(g.jsonName, name) {
				return nil, false // encoding/json's rules for clashing names apply
			}
		}
		fields = append(fields, structField{goName: f.Name(), jsonName: name, dec: b.of(f.Type())})
	}
	return fields, true
}

// validTagName mirrors encoding/json's rule for names in tags.
func validTagName(s string) bool {
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c > 0x7f):
			return false
		}
	}
	return true
}

// hasMethod reports whether t or *t has a method name taking []byte and
// returning error (UnmarshalJSON, UnmarshalText) or taking nothing and
// returning ([]byte, error) (MarshalJSON, MarshalText).
func hasMethod(t types.Type, name string) bool {
	if _, isPtr := types.Unalias(t).(*types.Pointer); !isPtr {
		t = types.NewPointer(t)
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if strings.HasPrefix(name, "Unmarshal") {
		return sig.Params().Len() == 1 && isByteSlice(sig.Params().At(0).Type()) && returnsError(sig)
	}
	return sig.Params().Len() == 0 && sig.Results().Len() == 2 && isByteSlice(sig.Results().At(0).Type()) && isError(sig.Results().At(1).Type())
}

func isByteSlice(t types.Type) bool {
	s, ok := types.Unalias(t).(*types.Slice)
	if !ok {
		return false
	}
	b, ok := types.Unalias(s.Elem()).(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// unsupported returns the type inside t that encoding/json cannot decode
// (decode) or encode (!decode), and the path to it, or nil.
func unsupported(t types.Type, decode bool) (types.Type, []string) {
	return walkUnsupported(t, decode, map[types.Type]bool{})
}

func walkUnsupported(t types.Type, decode bool, seen map[types.Type]bool) (types.Type, []string) {
	if seen[t] {
		return nil, nil
	}
	seen[t] = true
	if decode && (hasMethod(t, "UnmarshalJSON") || hasMethod(t, "UnmarshalText")) {
		return nil, nil
	}
	if !decode && (hasMethod(t, "MarshalJSON") || hasMethod(t, "MarshalText")) {
		return nil, nil
	}
	prefix := func(step string, bad types.Type, via []string) (types.Type, []string) {
		if bad == nil {
			return nil, nil
		}
		return bad, append([]string{step}, via...)
	}
	switch u := t.Underlying().(type) {
	case *types.Chan, *types.Signature:
		return t, nil
	case *types.Basic:
		switch u.Kind() {
		case types.Complex64, types.Complex128, types.UnsafePointer, types.Invalid:
			return t, nil
		}
	case *types.Interface:
		if decode && !u.Empty() {
			return t, nil
		}
	case *types.Pointer:
		return walkUnsupported(u.Elem(), decode, seen)
	case *types.Slice:
		bad, via := walkUnsupported(u.Elem(), decode, seen)
		return prefix("element", bad, via)
	case *types.Array:
		bad, via := walkUnsupported(u.Elem(), decode, seen)
		return prefix("element", bad, via)
	case *types.Map:
		if !validMapKey(u.Key(), decode) {
			return prefix("map key", u.Key(), nil)
		}
		bad, via := walkUnsupported(u.Elem(), decode, seen)
		return prefix("map value", bad, via)
	case *types.Struct:
		for i := range u.NumFields() {
			f := u.Field(i)
			if !f.Exported() && !f.Embedded() {
				continue
			}
			if tag, ok := reflect.StructTag(u.Tag(i)).Lookup("json"); ok && tag == "-" {
				continue
			}
			if bad, via := walkUnsupported(f.Type(), decode, seen); bad != nil {
				return prefix("field "+f.Name(), bad, via)
			}
		}
	}
	return nil, nil
}

func validMapKey(k types.Type, decode bool) bool {
	if b, ok := k.Underlying().(*types.Basic); ok {
		switch b.Kind() {
		case types.String, types.Int, types.Int8, types.Int16, types.Int32, types.Int64,
			types.Uint, types.Uint8, types.Uint16, types.Uint32, types.Uint64, types.Uintptr:
			return true
		}
	}
	if decode {
		return hasMethod(k, "UnmarshalText")
	}
	return hasMethod(k, "MarshalText")
}

// binaryType reports whether a value of type t travels as a binary
// attachment rather than as JSON: a type whose underlying type is []byte,
// other than json.RawMessage and types with their own JSON or text
// (un)marshaling. It is the one rule for both directions: a parameter of
// such a type receives the attachment an argument's placeholder refers to,
// and an acknowledgement argument of such a type is sent as an attachment
// (socketio's encoder sends only []byte so: generated code converts).
func binaryType(t types.Type) bool {
	if isRawMessage(t) {
		return false
	}
	for _, m := range []string{"UnmarshalJSON", "UnmarshalText", "MarshalJSON", "MarshalText"} {
		if hasMethod(t, m) {
			return false
		}
	}
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := types.Unalias(s.Elem()).(*types.Basic)
	return ok && b.Kind() == types.Byte
}

func stripPointer(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// roleOf says, for a parameter type t (without its pointer) that is one of
// a handler's fixed parameters or a socketio object rather than a payload,
// what to do instead; "" for anything else.
func roleOf(t types.Type) string {
	switch {
	case isContext(t):
		return "the context is the first parameter ctx; remove this one"
	case isAck(t):
		return "the acknowledgement must be the last parameter"
	case isNamed(t, socketioPath, "Socket"):
		return "the socket is the second parameter s; remove this one"
	case isNamed(t, socketioPath, "Args"):
		return "each argument is decoded into a parameter of its own; declare one per argument, or take *socketio.Args in an OnAny handler"
	case isNamed(t, socketioPath, "Server"):
		return "reach the server through the socket, s.Server()"
	case isNamed(t, socketioPath, "Namespace"):
		return "reach the namespace through the socket, s.Namespace()"
	}
	return ""
}

// notPayload returns what is wrong with a decodable parameter type t
// (without its pointer) that JSON cannot fill: a struct with fields but
// none that encoding/json decodes (unexported, or tagged json:"-"), the
// empty struct at the top, or a socketio object; inside t, a struct field,
// element or map value of such a type, except the empty struct (the value
// of a set, map[string]struct{}, is deliberate). The message starts after
// "has type T". Unexported and json:"-" fields are skipped, as
// encoding/json skips them.
func notPayload(pkg *packages.Package, t types.Type, qual types.Qualifier) string {
	if st, ok := t.Underlying().(*types.Struct); ok && st.NumFields() == 0 && !decodesItself(t) {
		return ", an empty struct, so JSON decodes nothing into it; use any or json.RawMessage to accept an argument without using it"
	}
	bad, via := walkNotPayload(t, map[types.Type]bool{})
	if bad == nil {
		return ""
	}
	where, field := "", len(via) > 0
	if field {
		where = fmt.Sprintf(", whose %s has type %s,", strings.Join(via, " → "), types.TypeString(bad, qual))
	}
	if role := roleOf(stripPointer(bad)); role != "" {
		if field {
			return where + " which is not a payload; tag the field json:\"-\" or remove it"
		}
		return ", which is not a payload: " + role
	}
	// Fields can be exported in a struct of this package only.
	export, raw := "use a type with exported fields", "json.RawMessage"
	if n, ok := types.Unalias(stripPointer(bad)).(*types.Named); !ok || n.Obj().Pkg() == pkg.Types {
		export, raw = "export its fields", "use json.RawMessage"
	}
	if field {
		return where + " a struct with no exported fields, so JSON decodes nothing into it; " + export + ", tag the field json:\"-\", or " + raw
	}
	return ", a struct with no exported fields, so JSON decodes nothing into it; " + export + " or " + raw
}

// decodesItself reports whether t or *t has UnmarshalJSON or UnmarshalText.
func decodesItself(t types.Type) bool {
	return hasMethod(t, "UnmarshalJSON") || hasMethod(t, "UnmarshalText")
}

func walkNotPayload(t types.Type, seen map[types.Type]bool) (types.Type, []string) {
	if seen[t] || decodesItself(t) {
		return nil, nil
	}
	seen[t] = true
	if isNamed(stripPointer(t), socketioPath, "Socket") || isNamed(stripPointer(t), socketioPath, "Args") ||
		isNamed(stripPointer(t), socketioPath, "Server") || isNamed(stripPointer(t), socketioPath, "Namespace") {
		return t, nil
	}
	prefix := func(step string, bad types.Type, via []string) (types.Type, []string) {
		if bad == nil {
			return nil, nil
		}
		return bad, append([]string{step}, via...)
	}
	// inner walks a value inside t: the empty struct is allowed there.
	inner := func(step string, e types.Type) (types.Type, []string) {
		if st, ok := stripPointer(e).Underlying().(*types.Struct); ok && st.NumFields() == 0 {
			return nil, nil
		}
		bad, via := walkNotPayload(e, seen)
		return prefix(step, bad, via)
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		bad, via := walkNotPayload(u.Elem(), seen)
		if bad == u.Elem() && len(via) == 0 {
			return t, nil // the pointer type, as declared
		}
		return bad, via
	case *types.Slice:
		return inner("element", u.Elem())
	case *types.Array:
		return inner("element", u.Elem())
	case *types.Map:
		return inner("map value", u.Elem())
	case *types.Struct:
		if u.NumFields() > 0 && !hasDecodableField(u, map[*types.Struct]bool{}) {
			return t, nil
		}
		return walkFields(u, seen, inner)
	}
	return nil, nil
}

// walkFields walks the fields encoding/json decodes, those of embedded
// structs included (their fields are promoted).
func walkFields(st *types.Struct, seen map[types.Type]bool, inner func(string, types.Type) (types.Type, []string)) (types.Type, []string) {
	for i := range st.NumFields() {
		f := st.Field(i)
		if tag, ok := reflect.StructTag(st.Tag(i)).Lookup("json"); ok && tag == "-" {
			continue
		}
		if f.Embedded() {
			if est, ok := stripPointer(f.Type()).Underlying().(*types.Struct); ok && !decodesItself(f.Type()) {
				if bad, via := walkFields(est, seen, inner); bad != nil {
					return bad, via
				}
				continue
			}
		}
		if !f.Exported() {
			continue
		}
		if bad, via := inner("field "+f.Name(), f.Type()); bad != nil {
			return bad, via
		}
	}
	return nil, nil
}

// hasDecodableField reports whether encoding/json decodes any field of st:
// an exported field not tagged json:"-", or one promoted from an embedded
// struct.
func hasDecodableField(st *types.Struct, seen map[*types.Struct]bool) bool {
	if seen[st] {
		return false
	}
	seen[st] = true
	for i := range st.NumFields() {
		f := st.Field(i)
		if tag, ok := reflect.StructTag(st.Tag(i)).Lookup("json"); ok && tag == "-" {
			continue
		}
		if f.Embedded() {
			if decodesItself(f.Type()) {
				return true
			}
			if est, ok := stripPointer(f.Type()).Underlying().(*types.Struct); ok {
				if hasDecodableField(est, seen) {
					return true
				}
				continue
			}
		}
		if f.Exported() {
			return true
		}
	}
	return false
}

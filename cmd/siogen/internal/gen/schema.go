package gen

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// This file turns the Go types of a contract (handler arguments and
// acknowledgements, the auth payload, the events of //sio:emits
// interfaces) into one model of JSON Schema, which the TypeScript
// (typescript.go) and AsyncAPI (asyncapi.go) outputs both render: one
// source of truth for what travels on the wire. The model follows
// encoding/json, which encodes and decodes every value siogen does not
// decode field by field (and the generated decoders accept the same JSON).

// schemaKind is what a schema constrains a JSON value to.
type schemaKind int

const (
	schemaAny     schemaKind = iota // any JSON value
	schemaBool                      // true or false
	schemaInteger                   // a number without fraction
	schemaNumber                    // any number
	schemaString                    // a string
	schemaArray                     // an array of items
	schemaObject                    // a struct: fields
	schemaMap                       // an object whose values are items
	schemaRef                       // a named type: def
	schemaBinary                    // a binary attachment (a []byte argument), not JSON
)

// schema is the JSON Schema of one Go type.
type schema struct {
	kind       schemaKind
	nullable   bool           // null is a value too (a pointer, slice, map or interface)
	format     string         // "date-time" for time.Time
	base64     bool           // a string holding base64 (a []byte inside JSON)
	minimum    string         // integer bounds, as JSON numbers; "" none
	maximum    string         //
	items      *schema        // schemaArray: the element; schemaMap: the value
	length     int            // schemaArray: the length of a Go array; -1 for a slice
	keyInteger bool           // schemaMap: the keys are decimal integers
	fields     []*schemaField // schemaObject, in encoding/json's order
	def        *definition    // schemaRef
	note       string         // how the value is encoded, when it is not plain
}

// schemaField is one field of an object, as encoding/json names it.
type schemaField struct {
	name     string
	s        *schema
	required bool   // encoded always: no omitempty or omitzero, not a pointer
	doc      string // the field's doc comment
}

// definition is a named type, rendered once and referred to by name.
type definition struct {
	name string // its name in the outputs (see assignNames)
	base string // the name it would like: the Go name, with type arguments
	obj  *types.TypeName
	s    *schema
	doc  string
}

// schemaSet holds the definitions of one output and the doc comments of
// the loaded packages.
type schemaSet struct {
	defs  []*definition
	byTyp typeutil.Map // types.Type → *definition
	docs  map[types.Object]string
}

func newSchemaSet(pkgs []*packages.Package) *schemaSet {
	return &schemaSet{docs: docComments(pkgs)}
}

// docComments returns the doc comments of the types, struct fields,
// functions, methods and interface methods declared in pkgs (types of
// other packages come from export data, without comments). Directives
// (//sio:event) are not part of a comment's text.
func docComments(pkgs []*packages.Package) map[types.Object]string {
	docs := map[types.Object]string{}
	for _, pkg := range pkgs {
		set := func(id *ast.Ident, groups ...*ast.CommentGroup) {
			obj := pkg.TypesInfo.Defs[id]
			if obj == nil {
				return
			}
			for _, g := range groups {
				if text := strings.TrimSpace(g.Text()); g != nil && text != "" {
					docs[obj] = text
					return
				}
			}
		}
		for _, f := range pkg.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.GenDecl:
					for _, spec := range n.Specs {
						if ts, ok := spec.(*ast.TypeSpec); ok {
							if len(n.Specs) == 1 && n.Lparen == token.NoPos {
								set(ts.Name, ts.Doc, n.Doc, ts.Comment)
							} else {
								set(ts.Name, ts.Doc, ts.Comment)
							}
						}
					}
				case *ast.FuncDecl:
					set(n.Name, n.Doc)
				case *ast.StructType:
					for _, fl := range n.Fields.List {
						for _, id := range fl.Names {
							set(id, fl.Doc, fl.Comment)
						}
					}
				case *ast.InterfaceType:
					for _, fl := range n.Methods.List {
						for _, id := range fl.Names {
							set(id, fl.Doc, fl.Comment)
						}
					}
				}
				return true
			})
		}
	}
	return docs
}

// of returns the schema of a value of type t as encoding/json encodes and
// decodes it.
func (ss *schemaSet) of(t types.Type) *schema {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		s := *ss.of(p.Elem())
		s.nullable = true
		return &s
	}
	if n, ok := t.(*types.Named); ok && !isStd(n) && !isRawMessage(n) && !isNamed(n, "time", "Time") {
		if d, ok := ss.byTyp.At(n).(*definition); ok {
			return &schema{kind: schemaRef, def: d, nullable: refNullable(n)}
		}
		d := &definition{obj: n.Obj(), base: defBase(n), doc: ss.docs[n.Obj()]}
		ss.byTyp.Set(n, d)
		ss.defs = append(ss.defs, d)
		d.s = ss.body(n) // after registering: a recursive type refers to d
		// A nil slice, map or pointer of a named type is null: a
		// reference says so, the definition says what the value is.
		if d.s.nullable {
			body := *d.s
			body.nullable = false
			d.s = &body
		}
		return &schema{kind: schemaRef, def: d, nullable: refNullable(n)}
	}
	return ss.body(t)
}

// refNullable reports whether encoding/json may write null for a value of
// the named type n: a nil slice, map or pointer without its own encoding.
// (The definition's body is being built when a recursive type refers to
// itself, so this is decided from n alone.)
func refNullable(n *types.Named) bool {
	if hasMethod(n, "MarshalJSON") || hasMethod(n, "UnmarshalJSON") || hasMethod(n, "MarshalText") || hasMethod(n, "UnmarshalText") {
		return false
	}
	switch n.Underlying().(type) {
	case *types.Slice, *types.Map, *types.Pointer:
		return true
	}
	return false
}

// body returns the schema of t's values, without the indirection of a
// definition.
func (ss *schemaSet) body(t types.Type) *schema {
	switch {
	case isRawMessage(t):
		return &schema{kind: schemaAny}
	case isNamed(t, "time", "Time"):
		return &schema{kind: schemaString, format: "date-time"}
	case hasMethod(t, "MarshalJSON") || hasMethod(t, "UnmarshalJSON"):
		return &schema{kind: schemaAny, note: "Its own " + methodsOf(t, "MarshalJSON", "UnmarshalJSON") + " it as JSON: any JSON value, as far as siogen can tell."}
	case hasMethod(t, "MarshalText") || hasMethod(t, "UnmarshalText"):
		return &schema{kind: schemaString, note: "A string: its own " + methodsOf(t, "MarshalText", "UnmarshalText") + " it as text."}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return basicSchema(u)
	case *types.Pointer:
		s := *ss.of(u.Elem())
		s.nullable = true
		return &s
	case *types.Slice:
		if isByteSlice(types.NewSlice(u.Elem())) && !hasMethod(u.Elem(), "MarshalJSON") && !hasMethod(u.Elem(), "MarshalText") {
			return &schema{kind: schemaString, base64: true, nullable: true}
		}
		return &schema{kind: schemaArray, items: ss.of(u.Elem()), length: -1, nullable: true}
	case *types.Array:
		return &schema{kind: schemaArray, items: ss.of(u.Elem()), length: int(u.Len())}
	case *types.Map:
		s := &schema{kind: schemaMap, items: ss.of(u.Elem()), nullable: true}
		if b, ok := u.Key().Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 && !hasMethod(u.Key(), "MarshalText") {
			s.keyInteger = true
		}
		return s
	case *types.Struct:
		return ss.object(t)
	case *types.Interface:
		return &schema{kind: schemaAny}
	}
	return &schema{kind: schemaAny}
}

// methodsOf says which of the methods t has, for a note: "method
// MarshalJSON encodes", "methods MarshalJSON and UnmarshalJSON encode".
func methodsOf(t types.Type, names ...string) string {
	var has []string
	for _, n := range names {
		if hasMethod(t, n) {
			has = append(has, n)
		}
	}
	if len(has) == 1 {
		return "method " + has[0] + " encodes"
	}
	return "methods " + strings.Join(has, " and ") + " encode"
}

func basicSchema(b *types.Basic) *schema {
	switch b.Kind() {
	case types.Bool:
		return &schema{kind: schemaBool}
	case types.String:
		return &schema{kind: schemaString}
	case types.Float32, types.Float64:
		return &schema{kind: schemaNumber}
	case types.Int8:
		return &schema{kind: schemaInteger, minimum: "-128", maximum: "127"}
	case types.Int16:
		return &schema{kind: schemaInteger, minimum: "-32768", maximum: "32767"}
	case types.Int32:
		return &schema{kind: schemaInteger, minimum: "-2147483648", maximum: "2147483647"}
	case types.Int, types.Int64:
		return &schema{kind: schemaInteger}
	case types.Uint8:
		return &schema{kind: schemaInteger, minimum: "0", maximum: "255"}
	case types.Uint16:
		return &schema{kind: schemaInteger, minimum: "0", maximum: "65535"}
	case types.Uint32:
		return &schema{kind: schemaInteger, minimum: "0", maximum: "4294967295"}
	case types.Uint, types.Uint64, types.Uintptr:
		return &schema{kind: schemaInteger, minimum: "0"}
	}
	return &schema{kind: schemaAny}
}

// object returns the schema of struct type t: the fields encoding/json
// encodes, named and ordered as it does.
func (ss *schemaSet) object(t types.Type) *schema {
	s := &schema{kind: schemaObject}
	for _, f := range jsonFields(t) {
		fs := ss.of(f.typ)
		if f.quoted {
			q := &schema{kind: schemaString, nullable: fs.nullable}
			q.note = "A JSON " + quotedKind(f.typ) + " inside a string (the json tag's string option)."
			fs = q
		}
		_, isPtr := types.Unalias(f.typ).(*types.Pointer)
		s.fields = append(s.fields, &schemaField{
			name:     f.name,
			s:        fs,
			required: !f.omit && !isPtr,
			doc:      ss.docs[f.obj],
		})
	}
	return s
}

func quotedKind(t types.Type) string {
	b, _ := stripPointer(t).Underlying().(*types.Basic)
	switch {
	case b == nil:
		return "value"
	case b.Info()&types.IsBoolean != 0:
		return "boolean"
	case b.Info()&types.IsString != 0:
		return "string"
	}
	return "number"
}

// jsonField is one field encoding/json encodes.
type jsonField struct {
	name   string
	tagged bool // the name comes from the tag
	index  []int
	typ    types.Type
	omit   bool // omitempty or omitzero, or promoted through an embedded pointer
	quoted bool // the string option, on a field it applies to
	obj    *types.Var
}

// jsonFields returns the fields of struct type t that encoding/json
// encodes, by its rules (encoding/json's typeFields): exported fields and
// the fields promoted from embedded structs (exported or not), skipping
// json:"-"; a tag names a field; of the fields with one name, the
// shallowest wins, a tagged one over an untagged one at the same depth,
// and two at the same depth with the same tagging cancel each other.
func jsonFields(t types.Type) []jsonField {
	type scan struct {
		typ   types.Type
		index []int
		ptr   bool // reached through an embedded pointer
	}
	var fields []jsonField
	var current []scan
	next := []scan{{typ: t}}
	var count, nextCount typeutil.Map
	var visited typeutil.Map
	for len(next) > 0 {
		current, next = next, nil
		count, nextCount = nextCount, typeutil.Map{}
		for _, f := range current {
			if visited.At(f.typ) != nil {
				continue
			}
			visited.Set(f.typ, true)
			st, ok := f.typ.Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for i := range st.NumFields() {
				sf := st.Field(i)
				if sf.Embedded() {
					et := stripPointer(sf.Type())
					if _, isStruct := et.Underlying().(*types.Struct); !sf.Exported() && !isStruct {
						continue
					}
				} else if !sf.Exported() {
					continue
				}
				tag := reflect.StructTag(st.Tag(i)).Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTagName(name) || name == "" {
					name = ""
				}
				index := append(slices.Clip(f.index), i)
				ft := types.Unalias(sf.Type())
				if p, ok := ft.(*types.Pointer); ok {
					ft = types.Unalias(p.Elem())
				}
				var omit, quoted bool
				for _, o := range strings.Split(opts, ",") {
					switch o {
					case "omitempty", "omitzero":
						omit = true
					case "string":
						if b, ok := ft.Underlying().(*types.Basic); ok && b.Info()&(types.IsBoolean|types.IsNumeric|types.IsString) != 0 && b.Info()&types.IsComplex == 0 {
							quoted = true
						}
					}
				}
				_, isStruct := ft.Underlying().(*types.Struct)
				if name != "" || !sf.Embedded() || !isStruct {
					tagged := name != ""
					if name == "" {
						name = sf.Name()
					}
					// A nil embedded pointer leaves its fields out.
					fields = append(fields, jsonField{name: name, tagged: tagged, index: index, typ: sf.Type(), omit: omit || f.ptr, quoted: quoted, obj: sf})
					if n, _ := count.At(f.typ).(int); n > 1 {
						// Several embeddings of one type at this depth:
						// a duplicate, so that the rule below drops it.
						fields = append(fields, fields[len(fields)-1])
					}
					continue
				}
				n, _ := nextCount.At(ft).(int)
				nextCount.Set(ft, n+1)
				if n == 0 {
					_, isPtr := types.Unalias(sf.Type()).(*types.Pointer)
					next = append(next, scan{typ: ft, index: index, ptr: f.ptr || isPtr})
				}
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b jsonField) int {
		if c := cmp.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	var out []jsonField
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		run := fields[i:j]
		if len(run) == 1 || len(run[0].index) != len(run[1].index) || run[0].tagged != run[1].tagged {
			out = append(out, run[0])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b jsonField) int { return slices.Compare(a.index, b.index) })
	return out
}

// isStd reports whether n is declared in the standard library (its path
// has no dot in its first element): such types are written out where they
// are used rather than defined by name.
func isStd(n *types.Named) bool {
	pkg := n.Obj().Pkg()
	if pkg == nil {
		return true // error, and the like
	}
	first, _, _ := strings.Cut(pkg.Path(), "/")
	return !strings.Contains(first, ".")
}

// defBase returns the name a definition of n would like: its Go name, and
// for an instance of a generic type its type arguments' (Page[Item] →
// Page_Item).
func defBase(n *types.Named) string {
	name := n.Obj().Name()
	for t := range n.TypeArgs().Types() {
		name += "_" + argName(t)
	}
	return name
}

func argName(t types.Type) string {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		return defBase(t)
	case *types.Basic:
		return t.Name()
	case *types.Pointer:
		return argName(t.Elem())
	case *types.Slice:
		return argName(t.Elem()) + "s"
	case *types.Map:
		return argName(t.Key()) + "To" + upperFirst(argName(t.Elem()))
	}
	return "T"
}

// tsReserved are names a TypeScript type or parameter cannot have: the
// language's reserved words and the predefined type names.
var tsReserved = map[string]bool{
	"any": true, "bigint": true, "boolean": true, "break": true, "case": true, "catch": true, "class": true,
	"const": true, "continue": true, "debugger": true, "default": true, "delete": true, "do": true, "else": true,
	"enum": true, "export": true, "extends": true, "false": true, "finally": true, "for": true, "function": true,
	"if": true, "import": true, "in": true, "instanceof": true, "never": true, "new": true, "null": true,
	"number": true, "object": true, "string": true, "super": true, "switch": true, "symbol": true, "this": true,
	"throw": true, "true": true, "try": true, "typeof": true, "undefined": true, "unknown": true, "var": true,
	"void": true, "while": true, "with": true, "implements": true, "interface": true, "let": true,
	"package": true, "private": true, "protected": true, "public": true, "static": true, "yield": true,
	"await": true, "arguments": true, "eval": true,
}

// nameClash is a name two things of one output would have.
type nameClash struct {
	pos token.Pos
	msg string
}

// assignNames names the definitions: the Go name (a reserved word gets a
// trailing _), or, when types of several packages would have the same
// one, each of them prefixed with its package's name and _ (chat_Message,
// lobby_Message). taken are the names the output declares besides the
// definitions, with what each is; a definition whose name is taken, or
// two that stay equal after prefixing (packages of one name), is a clash.
func (ss *schemaSet) assignNames(taken map[string]string) []nameClash {
	byBase := map[string][]*definition{}
	for _, d := range ss.defs {
		byBase[d.base] = append(byBase[d.base], d)
	}
	for _, d := range ss.defs {
		name := d.base
		if len(byBase[d.base]) > 1 {
			name = d.obj.Pkg().Name() + "_" + name
		}
		if tsReserved[name] {
			name += "_"
		}
		d.name = name
	}
	defs := slices.Clone(ss.defs)
	slices.SortFunc(defs, func(a, b *definition) int {
		return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.obj.Pkg().Path(), b.obj.Pkg().Path()), cmp.Compare(a.base, b.base))
	})
	var clashes []nameClash
	seen := map[string]*definition{}
	for _, d := range defs {
		if what, ok := taken[d.name]; ok {
			clashes = append(clashes, nameClash{d.obj.Pos(), fmt.Sprintf("type %s is named %s in the TypeScript output, as is the %s; rename the type", d.obj.Name(), d.name, what)})
			continue
		}
		if prev := seen[d.name]; prev != nil {
			clashes = append(clashes, nameClash{d.obj.Pos(), fmt.Sprintf("types %s and %s are both named %s in the TypeScript and AsyncAPI outputs (types of several packages are named after their packages, and these packages have one name); rename one of them", typeString(prev), typeString(d), d.name)})
			continue
		}
		seen[d.name] = d
	}
	return clashes
}

func typeString(d *definition) string {
	return d.obj.Pkg().Path() + "." + d.obj.Name()
}

// sortedDefs returns the definitions sorted by name.
func (ss *schemaSet) sortedDefs() []*definition {
	defs := slices.Clone(ss.defs)
	slices.SortFunc(defs, func(a, b *definition) int { return cmp.Compare(a.name, b.name) })
	return defs
}

// argument is one positional argument of an event or an acknowledgement.
type argument struct {
	name     string // the Go parameter's name, or one made up (see argNames)
	s        *schema
	optional bool // a pointer: may be left out (when last) or null
	variadic bool // the rest of the arguments, each of s
}

// argSchema returns the schema of an argument of type t (the element's,
// for a variadic one): a []byte type is a binary attachment.
func (ss *schemaSet) argSchema(t types.Type) *schema {
	if binaryType(stripPointer(t)) {
		_, isPtr := types.Unalias(t).(*types.Pointer)
		return &schema{kind: schemaBinary, nullable: isPtr}
	}
	return ss.of(t)
}

// paramArgs returns the arguments of decoded parameters ps, named after
// the parameters of sig from index from on.
func (ss *schemaSet) paramArgs(ps []*param, names []string) []*argument {
	var args []*argument
	for i, p := range ps {
		t := p.typ
		if p.variadic {
			t = t.(*types.Slice).Elem()
		}
		a := &argument{s: ss.argSchema(t), optional: p.optional, variadic: p.variadic}
		if i < len(names) {
			a.name = names[i]
		}
		args = append(args, a)
	}
	return args
}

// tupleArgs returns the arguments of the parameters of tup (an
// acknowledgement's).
func (ss *schemaSet) tupleArgs(tup *types.Tuple, variadic bool) []*argument {
	var args []*argument
	for i := range tup.Len() {
		v := tup.At(i)
		t := v.Type()
		a := &argument{name: v.Name()}
		if variadic && i == tup.Len()-1 {
			t = t.(*types.Slice).Elem()
			a.variadic = true
		}
		if _, isPtr := types.Unalias(t).(*types.Pointer); isPtr && !a.variadic {
			a.optional = true
		}
		a.s = ss.argSchema(t)
		args = append(args, a)
	}
	return args
}

// argNames names arguments without a usable Go name: after their named
// type (answer for an Answer), or arg1, arg2, …; reserved words get a
// trailing _, and duplicates a number. avoid holds names already used.
func argNames(args []*argument, avoid ...string) {
	used := map[string]bool{}
	for _, a := range avoid {
		used[a] = true
	}
	for i, a := range args {
		name := a.name
		if name == "" || name == "_" {
			name = ""
			if a.s.kind == schemaRef {
				name = lowerFirst(a.s.def.obj.Name())
			}
			if name == "" {
				name = "arg" + strconv.Itoa(i+1)
			}
		}
		if tsReserved[name] {
			name += "_"
		}
		base := name
		for n := 2; used[name]; n++ {
			name = base + strconv.Itoa(n)
		}
		used[name] = true
		a.name = name
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	i := 0
	for i < len(r) && r[i] >= 'A' && r[i] <= 'Z' && (i == 0 || i+1 == len(r) || r[i+1] >= 'A' && r[i+1] <= 'Z') {
		r[i] += 'a' - 'A'
		i++
	}
	return string(r)
}

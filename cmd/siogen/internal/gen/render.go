package gen

import (
	"bytes"
	"cmp"
	"fmt"
	"go/types"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// Generated identifiers carry this prefix, which user code will not use.
const prefix = "_sio_"

// runtimeAlias is the name generated files import the runtime under (or
// prefix+"runtime" when the package declares it).
const runtimeAlias = "sioruntime"

// renderer builds one package's generated file.
type renderer struct {
	a        *analysis
	f        *jen.File
	imports  map[string]string // path → package name, of every package the file refers to
	decoders map[string]*structDecoder
	encoders map[string]*structEncoder // of emitters' arguments, by type
	// markDeclared: the function being rendered has declared the mark of
	// a recursive argument in its body (encodeValue).
	markDeclared bool
}

// structDecoder is the generated decoder of one struct, slice, array or map
// type: name+"_value" reads a value from a runtime.Decoder; name (entry)
// decodes a whole JSON text, name+"_arg" (positional) an event argument.
type structDecoder struct {
	name       string // the generated function's name
	typ        types.Type
	dec        *decoder
	entry      bool // a top-level value is decoded with it: name is needed
	positional bool // an event argument is decoded with it: name+"_arg" is needed
}

// render returns the gofmt-formatted generated file for a.
func render(a *analysis) ([]byte, error) {
	r := &renderer{a: a, imports: map[string]string{}, decoders: map[string]*structDecoder{}, encoders: map[string]*structEncoder{}}
	r.f = jen.NewFilePathName(a.pkg.PkgPath, a.pkg.Name)
	r.f.HeaderComment(Header + "\n\n" + generatedBuildLine(a))

	r.f.Comment("The runtime this file was generated for: a build error here means that")
	r.f.Comment("github.com/siogo/sio/runtime is older than the siogen that wrote the file.")
	r.f.Const().Id("_").Op("=").Add(r.qual(runtimePath, "IsAtLeastVersion1"))

	// Handler shapes.
	var checks []jen.Code
	for _, c := range a.consumers {
		for _, fn := range c.methods() {
			checks = append(checks, jen.Id("_").Add(r.methodType(c, fn)).Op("=").Parens(jen.Op("*").Add(r.typeName(c.obj))).Dot(fn.Name()))
		}
	}
	if len(checks) > 0 {
		r.f.Comment("The handler signatures this file was generated from: a build error on one")
		r.f.Comment("of these lines names a method whose signature changed since; run go generate.")
		r.f.Var().Defs(checks...)
	}
	if checks := r.emitsChecks(); len(checks) > 0 {
		r.f.Comment("The //sio:emits methods this file was generated from: a build error on one")
		r.f.Comment("of these lines names a method whose signature changed since; run go generate.")
		r.f.Var().Defs(checks...)
	}

	for _, c := range a.consumers {
		r.consumer(c)
	}
	r.emitters()
	r.structEncoders()

	// Struct decoders, sorted by name.
	for _, d := range slices.SortedFunc(maps.Values(r.decoders), func(x, y *structDecoder) int { return cmp.Compare(x.name, y.name) }) {
		r.structDecoder(d)
	}

	// Import names; a package-level declaration with the same name gets the
	// import an alias. The runtime is always imported as sioruntime, so that
	// no reader takes it for the standard library's runtime.
	scope := a.pkg.Types.Scope()
	for _, path := range slices.Sorted(maps.Keys(r.imports)) {
		name := r.imports[path]
		switch {
		case path == runtimePath && scope.Lookup(name) != nil:
			r.f.ImportAlias(path, prefix+"runtime")
		case path == runtimePath:
			r.f.ImportAlias(path, name)
		case scope.Lookup(name) != nil:
			r.f.ImportAlias(path, prefix+name)
		default:
			r.f.ImportName(path, name)
		}
	}
	var buf bytes.Buffer
	if err := r.f.Render(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// methods returns the methods of c the generated file calls, sorted by name.
func (c *consumer) methods() []*types.Func {
	var fns []*types.Func
	if c.connect != nil {
		fns = append(fns, c.connect.method)
	}
	for _, fn := range []*types.Func{c.disconnect, c.onAny, c.decodeErr} {
		if fn != nil {
			fns = append(fns, fn)
		}
	}
	for _, e := range c.events {
		fns = append(fns, e.method)
	}
	slices.SortFunc(fns, func(x, y *types.Func) int { return cmp.Compare(x.Name(), y.Name()) })
	return fns
}

func (r *renderer) qual(path, name string) *jen.Statement {
	if path != r.a.pkg.PkgPath {
		if _, ok := r.imports[path]; !ok {
			r.imports[path] = pkgNameOf(path)
		}
	}
	return jen.Qual(path, name)
}

// pkgNameOf returns the package name for path among those the renderer
// refers to; types give it for user packages (see typeName).
func pkgNameOf(path string) string {
	switch path {
	case socketioPath:
		return "socketio"
	case runtimePath:
		return runtimeAlias
	}
	return path[strings.LastIndex(path, "/")+1:]
}

func (r *renderer) typeName(obj *types.TypeName) *jen.Statement {
	if obj.Pkg() == nil {
		return jen.Id(obj.Name())
	}
	if obj.Pkg().Path() != r.a.pkg.PkgPath {
		r.imports[obj.Pkg().Path()] = obj.Pkg().Name()
	}
	return jen.Qual(obj.Pkg().Path(), obj.Name())
}

// typ renders t.
func (r *renderer) typ(t types.Type) jen.Code {
	switch t := t.(type) {
	case *types.Alias:
		s := r.typeName(t.Obj())
		if args := t.TypeArgs(); args != nil && args.Len() > 0 {
			s = s.Types(r.typeList(args)...)
		}
		return s
	case *types.Basic:
		return jen.Id(t.Name())
	case *types.Named:
		s := r.typeName(t.Obj())
		if args := t.TypeArgs(); args != nil && args.Len() > 0 {
			s = s.Types(r.typeList(args)...)
		}
		return s
	case *types.Pointer:
		return jen.Op("*").Add(r.typ(t.Elem()))
	case *types.Slice:
		return jen.Index().Add(r.typ(t.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(t.Len()))).Add(r.typ(t.Elem()))
	case *types.Map:
		return jen.Map(r.typ(t.Key())).Add(r.typ(t.Elem()))
	case *types.Signature:
		return jen.Func().Add(r.sig(t))
	case *types.Interface:
		if t.Empty() {
			return jen.Any()
		}
		var ms []jen.Code
		for i := range t.NumEmbeddeds() {
			ms = append(ms, r.typ(t.EmbeddedType(i)))
		}
		for i := range t.NumExplicitMethods() {
			m := t.ExplicitMethod(i)
			ms = append(ms, jen.Id(m.Name()).Add(r.sig(m.Type().(*types.Signature))))
		}
		return jen.Interface(ms...)
	case *types.Struct:
		var fs []jen.Code
		for i := range t.NumFields() {
			f := t.Field(i)
			var s *jen.Statement
			if f.Embedded() {
				s = jen.Add(r.typ(f.Type()))
			} else {
				s = jen.Id(f.Name()).Add(r.typ(f.Type()))
			}
			if tag := t.Tag(i); tag != "" {
				s = s.Op(strconv.Quote(tag))
			}
			fs = append(fs, s)
		}
		return jen.Struct(fs...)
	}
	panic(fmt.Sprintf("siogen: cannot render type %s", t))
}

func (r *renderer) typeList(l *types.TypeList) []jen.Code {
	out := make([]jen.Code, l.Len())
	for i := range l.Len() {
		out[i] = r.typ(l.At(i))
	}
	return out
}

// sig renders a signature's parameter and result lists (without names).
func (r *renderer) sig(s *types.Signature) *jen.Statement {
	var ps []jen.Code
	for i := range s.Params().Len() {
		t := s.Params().At(i).Type()
		if s.Variadic() && i == s.Params().Len()-1 {
			ps = append(ps, jen.Op("...").Add(r.typ(t.(*types.Slice).Elem())))
			continue
		}
		ps = append(ps, r.typ(t))
	}
	st := jen.Params(ps...)
	switch s.Results().Len() {
	case 0:
	case 1:
		st = st.Add(r.typ(s.Results().At(0).Type()))
	default:
		var rs []jen.Code
		for i := range s.Results().Len() {
			rs = append(rs, r.typ(s.Results().At(i).Type()))
		}
		st = st.Params(rs...)
	}
	return st
}

// methodType renders the type of the method expression (*T).M.
func (r *renderer) methodType(c *consumer, fn *types.Func) jen.Code {
	s := fn.Type().(*types.Signature)
	ps := []jen.Code{jen.Op("*").Add(r.typeName(c.obj))}
	for i := range s.Params().Len() {
		t := s.Params().At(i).Type()
		if s.Variadic() && i == s.Params().Len()-1 {
			ps = append(ps, jen.Op("...").Add(r.typ(t.(*types.Slice).Elem())))
			continue
		}
		ps = append(ps, r.typ(t))
	}
	st := jen.Func().Params(ps...)
	if s.Results().Len() == 1 {
		st = st.Add(r.typ(s.Results().At(0).Type()))
	}
	return st
}

func (r *renderer) ctxType() jen.Code    { return r.qual("context", "Context") }
func (r *renderer) socketType() jen.Code { return jen.Op("*").Add(r.qual(socketioPath, "Socket")) }

// consumer renders the registration, spec, connect hook and dispatcher of c.
func (r *renderer) consumer(c *consumer) {
	name := c.obj.Name()
	self := r.typeName(c.obj)
	spec := prefix + name + "_spec"
	disp := prefix + name + "_dispatcher"
	names := registerNames(c)
	ctor := "new" + upperFirst(name)

	r.constants(c)

	r.comment(fmt.Sprintf("%s serves %s with %s consumers: %s makes a fresh one for each connection to the namespace, so its fields hold per-connection state.", names[0], c.namespaceDoc(), name, ctor))
	r.f.Func().Id(names[0]).Params(
		jen.Id("srv").Op("*").Add(r.qual(socketioPath, "Server")),
		jen.Id(ctor).Func().Params().Op("*").Add(self.Clone()),
	).Block(r.qual(runtimePath, "Register").Call(jen.Id("srv"), jen.Op("&").Id(spec), jen.Id(ctor)))

	r.comment(fmt.Sprintf("%s serves %s with c, shared by every connection; c's methods must be safe for concurrent use.", names[1], c.namespaceDoc()))
	r.f.Func().Id(names[1]).Params(
		jen.Id("srv").Op("*").Add(r.qual(socketioPath, "Server")),
		jen.Id("c").Op("*").Add(self.Clone()),
	).Block(r.qual(runtimePath, "RegisterShared").Call(jen.Id("srv"), jen.Op("&").Id(spec), jen.Id("c")))

	fields := jen.Dict{}
	switch {
	case c.regexp != "":
		pattern := jen.Lit(c.regexp)
		if !strings.ContainsAny(c.regexp, "`\r") {
			pattern = jen.Op("`" + c.regexp + "`")
		}
		fields[jen.Id("Regexp")] = r.qual("regexp", "MustCompile").Call(pattern)
	case c.match != nil:
		fields[jen.Id("Match")] = jen.Id(c.match.Name())
	default:
		fields[jen.Id("Namespace")] = jen.Lit(c.namespace)
	}
	if c.connect != nil {
		fields[jen.Id("Connect")] = jen.Id(prefix + name + "_connect")
	}
	if c.disconnect != nil {
		fields[jen.Id("Disconnect")] = jen.Parens(jen.Op("*").Add(self.Clone())).Dot("Disconnect")
	}
	fields[jen.Id("Dispatcher")] = jen.Func().Params(jen.Id(prefix + "c").Op("*").Add(self.Clone())).Add(r.qual(socketioPath, "Dispatcher")).Block(
		jen.Return(jen.Parens(jen.Op("*").Id(disp)).Call(jen.Id(prefix + "c"))))
	r.f.Var().Id(spec).Op("=").Add(r.qual(runtimePath, "Spec")).Types(self.Clone()).Values(fields)

	if c.connect != nil {
		r.connect(c)
	}

	// The dispatcher: the consumer's pointer converted to a type whose only
	// method is Dispatch, so making one allocates nothing.
	r.f.Commentf("%s dispatches the events of one socket to a %s.", disp, name)
	r.f.Type().Id(disp).Add(self.Clone())

	var cases []jen.Code
	for _, e := range c.events {
		cases = append(cases, jen.Case(jen.Lit(e.name)).Block(r.eventBody(c, e)...))
	}
	var dflt jen.Code
	if c.onAny != nil {
		dflt = jen.Return(jen.Id(prefix+"c").Dot("OnAny").Call(jen.Id(prefix+"ctx"), jen.Id(prefix+"s"), jen.Id(prefix+"event"), jen.Id(prefix+"args"), jen.Id(prefix+"ack")))
	} else {
		dflt = jen.Return(r.qual(socketioPath, "ErrUnknownEvent"))
	}
	cases = append(cases, jen.Default().Block(dflt))
	// Parameters the body does not use are named _: the signature is
	// Dispatcher's.
	calls := len(c.events) > 0 || c.onAny != nil
	usesArgs, usesAck := c.onAny != nil || c.decodes(), c.onAny != nil || (c.decodeErr != nil && c.decodes())
	for _, e := range c.events {
		usesAck = usesAck || e.ack != nil
	}
	param := func(used bool, name string) *jen.Statement {
		if !used {
			return jen.Id("_")
		}
		return jen.Id(prefix + name)
	}
	var body []jen.Code
	recv := jen.Op("*").Id(disp)
	if calls {
		recv = jen.Id(prefix + "d").Op("*").Id(disp)
		body = append(body,
			jen.Id(prefix+"c").Op(":=").Parens(jen.Op("*").Add(self.Clone())).Call(jen.Id(prefix+"d")),
			jen.Switch(jen.Id(prefix+"event")).Block(cases...))
		r.f.Comment("Dispatch decodes the arguments of event and calls its handler.")
	} else {
		body = append(body, jen.Return(r.qual(socketioPath, "ErrUnknownEvent")))
		r.f.Commentf("Dispatch returns socketio.ErrUnknownEvent: %s handles no events.", name)
	}
	r.f.Func().Params(recv).Id("Dispatch").Params(
		param(calls, "ctx").Add(r.ctxType()),
		param(calls, "s").Add(r.socketType()),
		param(calls, "event").String(),
		param(usesArgs, "args").Op("*").Add(r.qual(socketioPath, "Args")),
		param(usesAck, "ack").Add(r.qual(socketioPath, "AckFunc")),
	).Error().Block(body...)
	if !c.decodes() || c.decodeErr == nil {
		return // decode errors are returned as they are (see decodeFailed)
	}

	// The decode error policy with a DecodeError hook.
	r.f.Commentf("%s_decodeError reports a decode error to %s.DecodeError, which decides", prefix+name, name)
	r.f.Comment("what the dispatcher returns.")
	r.f.Func().Id(prefix+name+"_decodeError").Params(
		jen.Id(prefix+"c").Op("*").Add(self.Clone()),
		jen.Id(prefix+"ctx").Add(r.ctxType()),
		jen.Id(prefix+"s").Add(r.socketType()),
		jen.Id(prefix+"event").String(),
		jen.Id(prefix+"i").Int(),
		jen.Id(prefix+"err").Error(),
		jen.Id(prefix+"ack").Add(r.qual(socketioPath, "AckFunc")),
	).Error().Block(
		jen.Return(jen.Id(prefix+"c").Dot("DecodeError").Call(jen.Id(prefix+"ctx"), jen.Id(prefix+"s"), jen.Id(prefix+"event"),
			r.qual(runtimePath, "DecodeFailed").Call(jen.Id(prefix+"event"), jen.Id(prefix+"i"), jen.Id(prefix+"err")), jen.Id(prefix+"ack"))))
}

// decodeFailed renders what the dispatcher returns when argument index of
// the event does not decode (the cause is in _sio_err): the
// *runtime.DecodeError itself, so that the handler is not called and a
// requested acknowledgement is not sent, or, with a DecodeError hook, what
// the hook returns.
func (r *renderer) decodeFailed(c *consumer, index jen.Code) jen.Code {
	if c.decodeErr == nil {
		return r.qual(runtimePath, "DecodeFailed").Call(jen.Id(prefix+"event"), index, jen.Id(prefix+"err"))
	}
	return jen.Id(prefix+c.obj.Name()+"_decodeError").Call(
		jen.Id(prefix+"c"), jen.Id(prefix+"ctx"), jen.Id(prefix+"s"), jen.Id(prefix+"event"), index, jen.Id(prefix+"err"), jen.Id(prefix+"ack"))
}

// constants renders the constants naming c's namespace and events, so that
// code emitting to the consumer, and its tests, need no string literals.
func (r *renderer) constants(c *consumer) {
	var defs []jen.Code
	for _, g := range generatedNames(c) {
		if g.what != "constant" {
			continue
		}
		if len(defs) > 0 {
			defs = append(defs, jen.Line())
		}
		if g.event == nil {
			defs = append(defs, jen.Commentf("%s is the namespace %s serves.", g.name, c.obj.Name()))
		} else {
			defs = append(defs, jen.Commentf("%s is the event %s.%s handles.", g.name, c.obj.Name(), g.event.method.Name()))
		}
		defs = append(defs, jen.Id(g.name).Op("=").Lit(g.value))
	}
	r.f.Const().Defs(defs...)
}

// comment renders text as a comment of lines of at most 76 columns (a
// longer word gets a line of its own).
func (r *renderer) comment(text string) {
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > 76 {
			r.f.Comment(line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	r.f.Comment(line)
}

// connect renders the function that decodes the auth payload and calls Connect.
func (r *renderer) connect(c *consumer) {
	name := c.obj.Name()
	p := c.connect.auth
	auth := jen.Id(prefix + "auth")
	a := jen.Id(prefix + "a")
	fail := func() jen.Code {
		return jen.If(jen.Id(prefix + "err").Op("!=").Nil()).Block(
			jen.Return(r.qual(runtimePath, "DecodeFailed").Call(jen.Lit("connect"), jen.Lit(-1), jen.Id(prefix+"err"))))
	}
	invalid := r.qual(runtimePath, "DecodeFailed").Call(jen.Lit("connect"), jen.Lit(-1), jen.Id(prefix+"err"))
	var body []jen.Code
	switch {
	case p == nil:
		r.f.Commentf("%s_connect calls Connect; the auth payload is ignored.", prefix+name)
		r.f.Func().Id(prefix+name+"_connect").Params(
			jen.Id(prefix+"c").Op("*").Add(r.typeName(c.obj)),
			jen.Id(prefix+"ctx").Add(r.ctxType()),
			jen.Id(prefix+"s").Add(r.socketType()),
			jen.Id("_").Index().Byte(),
		).Error().Block(jen.Return(jen.Id(prefix+"c").Dot("Connect").Call(jen.Id(prefix+"ctx"), jen.Id(prefix+"s"))))
		return
	case p.optional:
		elem := p.typ.(*types.Pointer).Elem()
		body = append(body,
			jen.Var().Id(prefix+"a").Add(r.typ(p.typ)),
			jen.If(r.qual(runtimePath, "PresentRaw").Call(auth)).Block(
				jen.Id(prefix+"v").Op(":=").New(r.typ(elem)),
				jen.Id(prefix+"err").Op(":=").Add(r.rawDecode(p.dec, jen.Id(prefix+"v"))),
				fail(),
				jen.Add(r.validate(elem, jen.Id(prefix+"v"), invalid)...),
				a.Clone().Op("=").Id(prefix+"v"),
			))
	default:
		body = append(body,
			jen.Var().Id(prefix+"a").Add(r.typ(p.typ)),
			jen.If(auth.Clone().Op("!=").Nil()).Block(
				jen.Id(prefix+"err").Op(":=").Add(r.rawDecode(p.dec, jen.Op("&").Id(prefix+"a"))),
				fail(),
			))
		// The value Connect receives is validated, the zero value of a
		// missing payload included.
		body = append(body, r.validate(p.typ, a.Clone(), invalid)...)
	}
	body = append(body, jen.Return(jen.Id(prefix+"c").Dot("Connect").Call(jen.Id(prefix+"ctx"), jen.Id(prefix+"s"), a)))
	r.f.Commentf("%s_connect decodes the auth payload and calls Connect.", prefix+name)
	r.f.Func().Id(prefix+name+"_connect").Params(
		jen.Id(prefix+"c").Op("*").Add(r.typeName(c.obj)),
		jen.Id(prefix+"ctx").Add(r.ctxType()),
		jen.Id(prefix+"s").Add(r.socketType()),
		jen.Id(prefix+"auth").Index().Byte(),
	).Error().Block(body...)
}

// rawDecode renders a call decoding the auth bytes into ptr.
func (r *renderer) rawDecode(d decoder, ptr jen.Code) jen.Code {
	auth := jen.Id(prefix + "auth")
	switch d.kind {
	case kindString:
		return r.qual(runtimePath, "DecodeString").Call(auth, ptr)
	case kindBool:
		return r.qual(runtimePath, "DecodeBool").Call(auth, ptr)
	case kindInt:
		return r.qual(runtimePath, "DecodeInt").Call(auth, ptr)
	case kindUint:
		return r.qual(runtimePath, "DecodeUint").Call(auth, ptr)
	case kindFloat:
		return r.qual(runtimePath, "DecodeFloat").Call(auth, ptr)
	case kindStruct, kindSlice, kindArray, kindMap:
		return jen.Id(r.decoderFor(d)).Call(auth, ptr)
	case kindRawJSON, kindRawBytes, kindBinary:
		return r.qual(runtimePath, "DecodeRaw").Call(auth, ptr)
	}
	return r.qual(runtimePath, "Unmarshal").Call(auth, ptr)
}

// positional renders a call returning (value, error) for argument index.
func (r *renderer) positional(d decoder, index jen.Code) jen.Code {
	args := jen.Id(prefix + "args")
	generic := func(fn string) jen.Code {
		return r.qual(runtimePath, fn).Types(r.typ(d.typ)).Call(args, index)
	}
	switch d.kind {
	case kindString:
		return generic("String")
	case kindBool:
		return generic("Bool")
	case kindInt:
		return generic("Int")
	case kindUint:
		return generic("Uint")
	case kindFloat:
		return generic("Float")
	case kindStruct, kindSlice, kindArray, kindMap:
		name := r.decoderFor(d)
		r.decoders[types.TypeString(d.typ, nil)].positional = true
		return jen.Id(name+"_arg").Call(args, index)
	case kindBinary:
		return generic("Binary")
	case kindRawJSON, kindRawBytes:
		return generic("RawJSON")
	}
	return generic("JSON")
}

// decoderFor returns the name of the generated decoder of d (a struct,
// slice, array or map decoded by generated code) for a top-level value,
// registering it and the decoders of the types inside it.
func (r *renderer) decoderFor(d decoder) string {
	sd := r.register(&d)
	sd.entry = true
	return sd.name
}

// register returns the generated decoder of d, registering it and those of
// the types inside it.
func (r *renderer) register(d *decoder) *structDecoder {
	key := types.TypeString(d.typ, nil)
	if sd := r.decoders[key]; sd != nil {
		return sd
	}
	base := prefix + localPrefix(r.a) + "decode_" + r.decName(d.typ)
	name := base
	for i := 2; ; i++ {
		taken := false
		for _, sd := range r.decoders {
			if sd.name == name {
				taken = true
			}
		}
		if !taken {
			break
		}
		name = fmt.Sprintf("%s%d", base, i)
	}
	sd := &structDecoder{name: name, typ: d.typ, dec: d}
	r.decoders[key] = sd
	r.registerInner(d)
	return sd
}

// registerInner registers the generated decoders that d's code calls.
func (r *renderer) registerInner(d *decoder) {
	inner := func(e *decoder) {
		if e.kind == kindPtr {
			e = e.elem
		}
		if e.generated() {
			r.register(e)
		}
	}
	switch d.kind {
	case kindStruct:
		for _, f := range d.fields {
			inner(f.dec)
		}
	case kindSlice, kindArray, kindMap:
		inner(d.elem)
	}
}

// decName returns the part of a decoder's name that says its type.
func (r *renderer) decName(t types.Type) string {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		if u.Obj().Pkg() != nil && u.Obj().Pkg() != r.a.pkg.Types {
			return u.Obj().Pkg().Name() + "_" + u.Obj().Name()
		}
		return u.Obj().Name()
	case *types.Slice:
		return "slice_" + r.decName(u.Elem())
	case *types.Array:
		return fmt.Sprintf("array%d_%s", u.Len(), r.decName(u.Elem()))
	case *types.Map:
		return "map_" + r.decName(u.Elem())
	case *types.Pointer:
		return "ptr_" + r.decName(u.Elem())
	case *types.Basic:
		return u.Name()
	}
	return "value"
}

// eventBody renders the statements of one event's case.
func (r *renderer) eventBody(c *consumer, e *event) []jen.Code {
	var out []jen.Code
	var call []jen.Code
	call = append(call, jen.Id(prefix+"ctx"), jen.Id(prefix+"s"))
	fail := func(index jen.Code) jen.Code {
		return jen.If(jen.Id(prefix + "err").Op("!=").Nil()).Block(jen.Return(r.decodeFailed(c, index)))
	}
	for i, p := range e.params {
		v := fmt.Sprintf("%sa%d", prefix, i)
		switch {
		case p.variadic:
			out = append(out,
				jen.Var().Id(v).Add(r.typ(p.typ)),
				jen.If(jen.Id(prefix+"err").Op(":=").Id(prefix+"args").Dot("Err").Call(), jen.Id(prefix+"err").Op("!=").Nil()).Block(
					jen.Return(r.decodeFailed(c, jen.Lit(i)))),
				jen.If(jen.Id(prefix+"n").Op(":=").Id(prefix+"args").Dot("Len").Call(), jen.Id(prefix+"n").Op(">").Lit(i)).Block(
					jen.Id(v).Op("=").Make(r.typ(p.typ), jen.Id(prefix+"n").Op("-").Lit(i)),
					jen.For(jen.Id(prefix+"i").Op(":=").Range().Id(v)).Block(
						jen.List(jen.Id(prefix+"v"), jen.Id(prefix+"err")).Op(":=").Add(r.positional(p.dec, jen.Lit(i).Op("+").Id(prefix+"i"))),
						fail(jen.Lit(i).Op("+").Id(prefix+"i")),
						jen.Add(r.validate(p.typ.(*types.Slice).Elem(), jen.Id(prefix+"v"), r.decodeFailed(c, jen.Lit(i).Op("+").Id(prefix+"i")))...),
						jen.Id(v).Index(jen.Id(prefix+"i")).Op("=").Id(prefix+"v"),
					),
				))
			call = append(call, jen.Id(v).Op("..."))
			continue
		case p.optional:
			out = append(out,
				jen.Var().Id(v).Add(r.typ(p.typ)),
				jen.If(r.qual(runtimePath, "Present").Call(jen.Id(prefix+"args"), jen.Lit(i))).Block(
					jen.List(jen.Id(prefix+"v"), jen.Id(prefix+"err")).Op(":=").Add(r.positional(p.dec, jen.Lit(i))),
					fail(jen.Lit(i)),
					jen.Add(r.validate(p.dec.typ, jen.Id(prefix+"v"), r.decodeFailed(c, jen.Lit(i)))...),
					jen.Id(v).Op("=").Op("&").Id(prefix+"v"),
				))
		default:
			out = append(out,
				jen.List(jen.Id(v), jen.Id(prefix+"err")).Op(":=").Add(r.positional(p.dec, jen.Lit(i))),
				fail(jen.Lit(i)))
			out = append(out, r.validate(p.typ, jen.Id(v), r.decodeFailed(c, jen.Lit(i)))...)
		}
		call = append(call, jen.Id(v))
	}
	if e.ack != nil {
		if e.ack.asAckFunc {
			call = append(call, jen.Id(prefix+"ack"))
		} else {
			v := prefix + "reply"
			out = append(out,
				jen.Var().Id(v).Add(r.typ(e.ack.typ)),
				jen.If(jen.Id(prefix+"ack").Op("!=").Nil()).Block(jen.Id(v).Op("=").Add(r.ackFunc(e.ack.sig))))
			call = append(call, jen.Id(v))
		}
	}
	out = append(out, jen.Return(jen.Id(prefix+"c").Dot(e.method.Name()).Call(call...)))
	return out
}

// ackFunc renders a function literal of type sig that sends its arguments
// through the socketio.AckFunc. The arguments are encoded as the emitters
// encode theirs (generated encoders and runtime.Encoder, encoding/json for
// what generated code does not encode; a binary type as an attachment) and
// handed to the AckFunc as one *socketio.Args, which socketio sends as it
// is (runtime.Ack). An acknowledgement that may be called with one value of
// an interface type (func(any) error, func(...any) error) passes its
// values on as they are: that value may be a *socketio.Args to forward.
func (r *renderer) ackFunc(sig *types.Signature) jen.Code {
	var params []jen.Code
	n := sig.Params().Len()
	variadic := sig.Variadic()
	for i := range n {
		id := fmt.Sprintf("%sr%d", prefix, i)
		t := sig.Params().At(i).Type()
		if variadic && i == n-1 {
			params = append(params, jen.Id(id).Op("...").Add(r.typ(t.(*types.Slice).Elem())))
			continue
		}
		params = append(params, jen.Id(id).Add(r.typ(t)))
	}
	if n == 1 {
		t := sig.Params().At(0).Type()
		if variadic {
			t = t.(*types.Slice).Elem()
		}
		if types.IsInterface(t) {
			call := jen.Id(prefix + "ack").Call(jen.Id(prefix + "r0"))
			if variadic {
				call = jen.Id(prefix + "ack").Call(jen.Id(prefix + "r0").Op("..."))
			}
			return jen.Func().Params(params...).Error().Block(jen.Return(call))
		}
	}
	enc := jen.Id(prefix + "e")
	body := []jen.Code{enc.Clone().Op(":=").Add(r.qual(runtimePath, "NewEncoder")).Call()}
	r.markDeclared = false
	for i := range n {
		p := &param{typ: sig.Params().At(i).Type(), variadic: variadic && i == n-1}
		body = append(body, r.encodeParam(p, jen.Id(fmt.Sprintf("%sr%d", prefix, i)))...)
	}
	body = append(body, jen.Return(r.qual(runtimePath, "Ack").Call(jen.Id(prefix+"ack"), enc)))
	return jen.Func().Params(params...).Error().Block(body...)
}

// ackArg renders v, an acknowledgement argument of type t, as it is passed
// to the socketio.AckFunc: a value of a binary type other than []byte is
// converted to []byte, a pointer to one to nil or []byte, so that socketio
// sends it as an attachment, as the same type is received.
func (r *renderer) ackArg(t types.Type, v *jen.Statement) jen.Code {
	byteSlice := types.NewSlice(types.Typ[types.Byte])
	switch {
	case binaryType(t) && !types.Identical(t, byteSlice):
		return jen.Index().Byte().Parens(v)
	case binaryType(stripPointer(t)) && stripPointer(t) != t:
		return r.qual(runtimePath, "BinaryPtr").Call(v)
	}
	return v
}

// structDecoder renders the generated decoder of a struct, slice, array
// or map type: the function reading a value from a runtime.Decoder, and
// those decoding a whole JSON text and an event argument when needed.
func (r *renderer) structDecoder(sd *structDecoder) {
	dec, v := jen.Id(prefix+"d"), jen.Id(prefix+"v")
	if sd.positional {
		r.f.Commentf("%s_arg decodes argument %si with %s.", sd.name, prefix, sd.name)
		r.f.Func().Id(sd.name+"_arg").Params(jen.Id(prefix+"args").Op("*").Add(r.qual(socketioPath, "Args")), jen.Id(prefix+"i").Int()).Params(r.typ(sd.typ), jen.Error()).Block(
			jen.Var().Id(prefix+"v").Add(r.typ(sd.typ)),
			jen.List(jen.Id(prefix+"raw"), jen.Id(prefix+"err")).Op(":=").Add(r.qual(runtimePath, "Arg")).Call(jen.Id(prefix+"args"), jen.Id(prefix+"i")),
			jen.If(jen.Id(prefix+"err").Op("==").Nil()).Block(
				jen.Id(prefix+"err").Op("=").Id(sd.name).Call(jen.Id(prefix+"raw"), jen.Op("&").Id(prefix+"v"))),
			jen.Return(jen.Id(prefix+"v"), jen.Id(prefix+"err")),
		)
	}
	if sd.entry {
		r.f.Commentf("%s decodes raw into *%sv, which must be the zero value. Any", sd.name, prefix)
		r.f.Comment("input the generated code does not decode to the end (an error, null at the")
		r.f.Comment("top, deeper nesting than runtime.MaxDepth) is decoded again by")
		r.f.Comment("encoding/json, so that an error is exactly encoding/json's.")
		r.f.Func().Id(sd.name).Params(jen.Id(prefix+"raw").Index().Byte(), v.Clone().Op("*").Add(r.typ(sd.typ))).Error().Block(
			jen.Var().Id(prefix+"d").Add(r.qual(runtimePath, "Decoder")),
			dec.Clone().Dot("Reset").Call(jen.Id(prefix+"raw")),
			jen.Id(sd.name+"_value").Call(jen.Op("&").Id(prefix+"d"), v.Clone()),
			jen.If(dec.Clone().Dot("End").Call()).Block(jen.Return(jen.Nil())),
			jen.Var().Id(prefix+"zero").Add(r.typ(sd.typ)),
			jen.Op("*").Add(v.Clone()).Op("=").Id(prefix+"zero"),
			jen.Return(r.qual(runtimePath, "Unmarshal").Call(jen.Id(prefix+"raw"), v.Clone())),
		)
	}
	d := sd.dec
	null := dec.Clone().Dot("Null").Call()
	var body []jen.Code
	switch d.kind {
	case kindStruct:
		names := sd.name + "_fields"
		var lits []jen.Code
		for _, f := range d.fields {
			lits = append(lits, jen.Lit(f.jsonName))
		}
		r.f.Var().Id(names).Op("=").Index(jen.Op("...")).String().Values(lits...)
		var loop []jen.Code
		if len(d.fields) == 0 {
			loop = []jen.Code{dec.Clone().Dot("Skip").Call()}
		} else {
			var cases []jen.Code
			for i, f := range d.fields {
				cases = append(cases, jen.Case(jen.Lit(i)).Block(r.readInto(f.dec, v.Clone().Dot(f.goName))...))
			}
			cases = append(cases, jen.Default().Block(dec.Clone().Dot("Skip").Call()))
			loop = []jen.Code{jen.Switch(r.qual(runtimePath, "FieldIndex").Call(dec.Clone().Dot("Key").Call(), jen.Id(names).Op("[:]"))).Block(cases...)}
		}
		body = []jen.Code{
			jen.Comment("null leaves a struct unchanged."),
			jen.If(null).Block(jen.Return()),
			jen.For(jen.Id(prefix+"ok").Op(":=").Add(dec.Clone().Dot("BeginObject").Call()), jen.Id(prefix+"ok"), jen.Id(prefix+"ok").Op("=").Add(dec.Clone().Dot("NextMember").Call())).Block(loop...),
		}
	case kindSlice:
		// As encoding/json: elements already there are decoded into, the
		// slice is cut to the elements read, an empty array is an empty
		// slice, not nil.
		s, i := jen.Id(prefix+"s"), jen.Id(prefix+"i")
		body = []jen.Code{
			jen.If(null).Block(jen.Op("*").Add(v.Clone()).Op("=").Nil(), jen.Return()),
			s.Clone().Op(":=").Op("*").Add(v.Clone()),
			i.Clone().Op(":=").Lit(0),
			jen.For(jen.Id(prefix+"ok").Op(":=").Add(dec.Clone().Dot("BeginArray").Call()), jen.Id(prefix+"ok"), jen.Id(prefix+"ok").Op("=").Add(dec.Clone().Dot("NextElement").Call())).Block(
				jen.If(i.Clone().Op("==").Len(s.Clone())).Block(
					jen.If(i.Clone().Op("<").Cap(s.Clone())).Block(
						s.Clone().Op("=").Add(s.Clone()).Index(jen.Empty(), i.Clone().Op("+").Lit(1)),
					).Else().Block(
						jen.Var().Id(prefix+"zero").Add(r.typ(d.elem.typ)),
						s.Clone().Op("=").Append(s.Clone(), jen.Id(prefix+"zero")),
					),
				),
				jen.Add(r.readInto(d.elem, s.Clone().Index(i.Clone()))...),
				i.Clone().Op("++"),
			),
			jen.If(i.Clone().Op("==").Lit(0)).Block(
				s.Clone().Op("=").Make(r.typ(sd.typ), jen.Lit(0)),
			).Else().If(i.Clone().Op("<").Len(s.Clone())).Block(
				s.Clone().Op("=").Add(s.Clone()).Index(jen.Empty(), i.Clone()),
			),
			jen.Op("*").Add(v.Clone()).Op("=").Add(s.Clone()),
		}
	case kindArray:
		// As encoding/json: null leaves an array unchanged, extra elements
		// are skipped, missing ones zeroed.
		i := jen.Id(prefix + "i")
		body = []jen.Code{
			jen.If(null).Block(jen.Return()),
			i.Clone().Op(":=").Lit(0),
			jen.For(jen.Id(prefix+"ok").Op(":=").Add(dec.Clone().Dot("BeginArray").Call()), jen.Id(prefix+"ok"), jen.Id(prefix+"ok").Op("=").Add(dec.Clone().Dot("NextElement").Call())).Block(
				jen.If(i.Clone().Op("<").Len(v.Clone())).Block(
					r.readInto(d.elem, v.Clone().Index(i.Clone()))...,
				).Else().Block(dec.Clone().Dot("Skip").Call()),
				i.Clone().Op("++"),
			),
			jen.If(i.Clone().Op("<").Len(v.Clone())).Block(jen.Clear(v.Clone().Index(i.Clone(), jen.Empty()))),
		}
	case kindMap:
		// As encoding/json: a map there is added to, each value is decoded
		// into a zero value.
		m := jen.Id(prefix + "m")
		keyType := d.typ.Underlying().(*types.Map).Key()
		body = []jen.Code{
			jen.If(null).Block(jen.Op("*").Add(v.Clone()).Op("=").Nil(), jen.Return()),
			m.Clone().Op(":=").Op("*").Add(v.Clone()),
			jen.If(m.Clone().Op("==").Nil()).Block(
				m.Clone().Op("=").Make(r.typ(sd.typ)),
				jen.Op("*").Add(v.Clone()).Op("=").Add(m.Clone()),
			),
			jen.For(jen.Id(prefix+"ok").Op(":=").Add(dec.Clone().Dot("BeginObject").Call()), jen.Id(prefix+"ok"), jen.Id(prefix+"ok").Op("=").Add(dec.Clone().Dot("NextMember").Call())).Block(
				jen.Id(prefix+"k").Op(":=").Add(r.typ(keyType)).Call(dec.Clone().Dot("Key").Call()),
				jen.Var().Id(prefix+"e").Add(r.typ(d.elem.typ)),
				jen.Add(r.readInto(d.elem, jen.Id(prefix+"e"))...),
				m.Clone().Index(jen.Id(prefix+"k")).Op("=").Id(prefix+"e"),
			),
		}
	}
	r.f.Commentf("%s_value reads a value into *%sv as encoding/json decodes it.", sd.name, prefix)
	r.f.Func().Id(sd.name+"_value").Params(dec.Clone().Op("*").Add(r.qual(runtimePath, "Decoder")), v.Clone().Op("*").Add(r.typ(sd.typ))).Block(body...)
}

// readInto renders the statements reading the next value into x, an
// addressable expression of d's type.
func (r *renderer) readInto(d *decoder, x *jen.Statement) []jen.Code {
	return r.readIntoPtr(d, x, jen.Op("&").Add(x.Clone()))
}

// readIntoPtr is readInto with ptr, the expression of x's address.
func (r *renderer) readIntoPtr(d *decoder, x *jen.Statement, ptr jen.Code) []jen.Code {
	dec := jen.Id(prefix + "d")
	fn := map[decKind]string{kindString: "ReadString", kindBool: "ReadBool", kindInt: "ReadInt", kindUint: "ReadUint", kindFloat: "ReadFloat"}[d.kind]
	switch {
	case fn != "":
		return []jen.Code{r.qual(runtimePath, fn).Call(dec, ptr)}
	case d.generated():
		return []jen.Code{jen.Id(r.register(d).name+"_value").Call(dec, ptr)}
	case d.kind == kindPtr:
		// As encoding/json: null is nil, a pointer there is decoded into.
		return []jen.Code{jen.If(dec.Clone().Dot("Null").Call()).Block(
			x.Clone().Op("=").Nil(),
		).Else().Block(
			jen.If(x.Clone().Op("==").Nil()).Block(x.Clone().Op("=").New(r.typ(d.elem.typ))),
			jen.Add(r.readIntoPtr(d.elem, jen.Parens(jen.Op("*").Add(x.Clone())), x.Clone())...),
		)}
	}
	return []jen.Code{r.qual(runtimePath, "ReadJSON").Call(dec, ptr)}
}

// decodes reports whether any event handler of c decodes arguments (and so
// needs the decode error helper).
func (c *consumer) decodes() bool {
	for _, e := range c.events {
		if len(e.params) > 0 {
			return true
		}
	}
	return false
}

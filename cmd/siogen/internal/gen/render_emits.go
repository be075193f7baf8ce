package gen

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"
)

// structEncoder is a generated encoder of a struct (field by field),
// slice, array or map type (element by element).
type structEncoder struct {
	name string
	typ  types.Type
	enc  *valueEncoder
}

// emitters returns the //sio:emits interfaces a's consumers name, sorted by
// name: the emitters a's generated file declares.
func (a *analysis) emitters() []*emitsIface {
	seen := map[*emitsIface]bool{}
	var out []*emitsIface
	for _, c := range a.consumers {
		if c.emits != nil && !seen[c.emits] {
			seen[c.emits] = true
			out = append(out, c.emits)
		}
	}
	slices.SortFunc(out, func(x, y *emitsIface) int { return cmp.Compare(x.obj.Name(), y.obj.Name()) })
	return out
}

// emitsChecks renders the method expressions of the interfaces' methods, so
// that a changed method fails the build until the file is generated again.
func (r *renderer) emitsChecks() []jen.Code {
	var checks []jen.Code
	for _, ei := range r.a.emitters() {
		for _, e := range ei.events {
			sig := e.method.Type().(*types.Signature)
			ps := []jen.Code{r.typeName(ei.obj)}
			for i := range sig.Params().Len() {
				t := sig.Params().At(i).Type()
				if sig.Variadic() && i == sig.Params().Len()-1 {
					ps = append(ps, jen.Op("...").Add(r.typ(t.(*types.Slice).Elem())))
					continue
				}
				ps = append(ps, r.typ(t))
			}
			st := jen.Func().Params(ps...)
			switch res := sig.Results(); res.Len() {
			case 0:
			case 1:
				st = st.Add(r.typ(res.At(0).Type()))
			default:
				var rs []jen.Code
				for i := range res.Len() {
					rs = append(rs, r.typ(res.At(i).Type()))
				}
				st = st.Params(rs...)
			}
			checks = append(checks, jen.Id("_").Add(st).Op("=").Add(r.typeName(ei.obj)).Dot(e.method.Name()))
		}
	}
	return checks
}

// emitters renders the constants, emitter type, methods, reply types and
// reply decoders of every interface a's consumers name.
func (r *renderer) emitters() {
	for _, ei := range r.a.emitters() {
		r.emitter(ei)
	}
}

func (r *renderer) emitter(ei *emitsIface) {
	iname := ei.obj.Name()
	emitter := emitterName(ei)
	var defs []jen.Code
	for _, e := range ei.events {
		if len(defs) > 0 {
			defs = append(defs, jen.Line())
		}
		defs = append(defs, jen.Commentf("%s is the event %s.%s sends.", emitConst(ei, e), iname, e.method.Name()),
			jen.Id(emitConst(ei, e)).Op("=").Lit(e.name))
	}
	if len(defs) > 0 {
		r.f.Const().Defs(defs...)
	}

	var users []string
	for _, c := range ei.consumers {
		users = append(users, c.obj.Name())
	}
	r.comment(fmt.Sprintf("%s sends the events of %s (emits= of %s) with typed arguments. Its zero value is ready to use, e.g. var emit %s; then emit.M(to, args...) sends event M to to: a socket (s), rooms (s.To(room), s.Except(room), srv.Of(ns).To(a, b)), every socket but s (s.Broadcast()), a namespace (srv.Of(ns)), volatile or local ones (.Volatile(), .Local()). An acknowledged event has M(ctx, s, args...) for one socket, returning its reply, and MAll(ctx, to, args...) for a broadcast, returning one reply per socket.",
		emitter, iname, strings.Join(users, ", "), emitter))
	r.f.Type().Id(emitter).Struct()

	for _, e := range ei.events {
		r.emitMethods(ei, e)
	}
}

// paramNames returns the names of the emitter method's parameters for the
// event's arguments: the interface method's, where they are usable.
func (r *renderer) paramNames(ei *emitsIface, e *emitEvent) []string {
	sig := e.method.Type().(*types.Signature)
	reserved := map[string]bool{"to": true, "ctx": true, "s": true, "sioruntime": true, "socketio": true, "context": true}
	for _, g := range emitsNames(ei) {
		reserved[g.name] = true
	}
	names := make([]string, sig.Params().Len())
	for i := range names {
		n := sig.Params().At(i).Name()
		if n == "" || n == "_" || strings.HasPrefix(n, prefix) || reserved[n] || types.Universe.Lookup(n) != nil ||
			r.a.pkg.Types.Scope().Lookup(n) != nil || usesPackageNamed(sig, n) {
			n = fmt.Sprintf("%sa%d", prefix, i)
		}
		names[i] = n
	}
	return names
}

// usesPackageNamed reports whether a type in sig is qualified with a
// package named name (a parameter so named would shadow its import).
func usesPackageNamed(sig *types.Signature, name string) bool {
	found := false
	q := func(p *types.Package) string {
		if p.Name() == name {
			found = true
		}
		return p.Name()
	}
	for i := range sig.Params().Len() {
		types.TypeString(sig.Params().At(i).Type(), q)
	}
	for i := range sig.Results().Len() {
		types.TypeString(sig.Results().At(i).Type(), q)
	}
	return found
}

// emitMethods renders the emitter methods of event e.
func (r *renderer) emitMethods(ei *emitsIface, e *emitEvent) {
	emitter := emitterName(ei)
	sig := e.method.Type().(*types.Signature)
	names := r.paramNames(ei, e)
	var params []jen.Code
	for i, p := range e.params {
		if p.variadic {
			params = append(params, jen.Id(names[i]).Op("...").Add(r.typ(p.typ.(*types.Slice).Elem())))
			continue
		}
		params = append(params, jen.Id(names[i]).Add(r.typ(p.typ)))
	}
	enc := jen.Id(prefix + "e")
	body := []jen.Code{enc.Clone().Op(":=").Add(r.qual(runtimePath, "NewEncoder")).Call()}
	r.markDeclared = false
	for i, p := range e.params {
		body = append(body, r.encodeParam(p, jen.Id(names[i]))...)
	}
	event := jen.Id(emitConst(ei, e))
	doc := ""
	if e.doc != nil {
		doc = strings.TrimSpace(e.doc.Text())
	}
	comment := func(text string) {
		if doc != "" {
			for _, line := range strings.Split(doc, "\n") {
				r.f.Comment(line)
			}
			r.f.Comment("")
		}
		r.comment(text)
	}
	name := e.method.Name()
	if !e.ack {
		comment(fmt.Sprintf("%s sends %q to to: a socket, a broadcast operator or a namespace.", name, e.name))
		r.f.Func().Params(jen.Id(emitter)).Id(name).Params(append([]jen.Code{jen.Id("to").Add(r.qual(runtimePath, "Target"))}, params...)...).Error().Block(
			append(body, jen.Return(r.qual(runtimePath, "Emit").Call(jen.Id("to"), event, enc.Clone())))...)
		return
	}

	// The reply: nothing, one value, or a struct of the values.
	var reply jen.Code
	switch len(e.replies) {
	case 0:
	case 1:
		reply = r.typ(e.replies[0].typ)
	default:
		reply = jen.Id(replyName(ei, e))
		r.replyType(ei, e, sig)
	}
	decodeReply := ""
	if reply != nil {
		decodeReply = fmt.Sprintf("%s%s_%s_reply", prefix, ei.obj.Name(), name)
	}
	all := jen.Id(prefix + "all")
	errID := jen.Id(prefix + "err")
	args := jen.Id(prefix + "args")
	ctxParam := jen.Id("ctx").Add(r.ctxType())

	// One socket.
	sockParams := append([]jen.Code{ctxParam.Clone(), jen.Id("s").Add(r.socketType())}, params...)
	sockBody := slices.Clone(body)
	send := r.qual(runtimePath, "EmitWithAck").Call(jen.Id("ctx"), jen.Id("s"), event.Clone(), enc.Clone())
	if reply == nil {
		comment(fmt.Sprintf("%s sends %q to the client of s and waits, until ctx is done, for its acknowledgement.", name, e.name))
		sockBody = append(sockBody, jen.List(jen.Id("_"), errID.Clone()).Op(":=").Add(send), jen.Return(errID.Clone()))
		r.f.Func().Params(jen.Id(emitter)).Id(name).Params(sockParams...).Error().Block(sockBody...)
	} else {
		comment(fmt.Sprintf("%s sends %q to the client of s and waits, until ctx is done, for its acknowledgement, which it returns decoded.", name, e.name))
		sockBody = append(sockBody,
			jen.List(args.Clone(), errID.Clone()).Op(":=").Add(send),
			jen.If(errID.Clone().Op("!=").Nil()).Block(
				jen.Var().Id(prefix+"zero").Add(reply),
				jen.Return(jen.Id(prefix+"zero"), errID.Clone())),
			jen.Return(jen.Id(decodeReply).Call(args.Clone())))
		r.f.Func().Params(jen.Id(emitter)).Id(name).Params(sockParams...).Params(reply, jen.Error()).Block(sockBody...)
	}

	// A broadcast.
	bParams := append([]jen.Code{ctxParam.Clone(), jen.Id("to").Add(r.qual(runtimePath, "AckTarget"))}, params...)
	bBody := slices.Clone(body)
	bsend := r.qual(runtimePath, "BroadcastWithAck").Call(jen.Id("ctx"), jen.Id("to"), event.Clone(), enc.Clone())
	if reply == nil {
		r.comment(fmt.Sprintf("%sAll sends %q to the sockets to selects (a broadcast operator or a namespace) and waits, until ctx is done, for each one's acknowledgement. It returns the number of acknowledgements received, and an error when ctx ended first.", name, e.name))
		bBody = append(bBody, jen.List(all.Clone(), errID.Clone()).Op(":=").Add(bsend), jen.Return(jen.Len(all.Clone()), errID.Clone()))
		r.f.Func().Params(jen.Id(emitter)).Id(name+"All").Params(bParams...).Params(jen.Int(), jen.Error()).Block(bBody...)
	} else {
		r.comment(fmt.Sprintf("%sAll sends %q to the sockets to selects (a broadcast operator or a namespace) and waits, until ctx is done, for each one's acknowledgement. It returns the replies that decoded, in arrival order; the error joins a timeout (ctx ended first) and the decode error of each reply that did not decode, which loses no other reply.", name, e.name))
		bBody = append(bBody,
			jen.List(all.Clone(), errID.Clone()).Op(":=").Add(bsend),
			jen.Return(r.qual(runtimePath, "Replies").Call(all.Clone(), errID.Clone(), jen.Id(decodeReply))))
		r.f.Func().Params(jen.Id(emitter)).Id(name+"All").Params(bParams...).Params(jen.Index().Add(reply), jen.Error()).Block(bBody...)
		r.replyDecoder(ei, e, decodeReply, reply)
	}
}

// replyFields returns the field names of the reply struct of e: the
// results' names, exported, or Arg1, Arg2...
func replyFields(e *emitEvent) []string {
	res := e.method.Type().(*types.Signature).Results()
	names := make([]string, len(e.replies))
	seen := map[string]bool{}
	named := true
	for i := range names {
		n := res.At(i).Name()
		if n == "" || n == "_" || !token.IsExported(upperFirst(n)) || seen[upperFirst(n)] {
			named = false
			break
		}
		names[i] = upperFirst(n)
		seen[names[i]] = true
	}
	if !named {
		for i := range names {
			names[i] = fmt.Sprintf("Arg%d", i+1)
		}
	}
	return names
}

// replyType renders the struct holding the acknowledgement of e.
func (r *renderer) replyType(ei *emitsIface, e *emitEvent, sig *types.Signature) {
	var fields []jen.Code
	for i, n := range replyFields(e) {
		fields = append(fields, jen.Id(n).Add(r.typ(sig.Results().At(i).Type())))
	}
	r.comment(fmt.Sprintf("%s is the acknowledgement of %q (%s.%s): its arguments, in order.", replyName(ei, e), e.name, ei.obj.Name(), e.method.Name()))
	r.f.Type().Id(replyName(ei, e)).Struct(fields...)
}

// replyDecoder renders the function decoding the acknowledgement of e.
func (r *renderer) replyDecoder(ei *emitsIface, e *emitEvent, name string, reply jen.Code) {
	res := jen.Id(prefix + "r")
	event := jen.Id(emitConst(ei, e))
	body := []jen.Code{jen.Var().Id(prefix + "r").Add(reply)}
	fields := replyFields(e)
	for i, p := range e.replies {
		target := res.Clone()
		if len(e.replies) > 1 {
			target = res.Clone().Dot(fields[i])
		}
		fail := jen.If(jen.Id(prefix + "err").Op("!=").Nil()).Block(
			jen.Return(res.Clone(), r.qual(runtimePath, "DecodeFailed").Call(event.Clone(), jen.Lit(i), jen.Id(prefix+"err"))))
		decode := jen.List(jen.Id(prefix+"v"), jen.Id(prefix+"err")).Op(":=").Add(r.positional(p.dec, jen.Lit(i)))
		if p.optional {
			body = append(body, jen.If(r.qual(runtimePath, "Present").Call(jen.Id(prefix+"args"), jen.Lit(i))).Block(
				decode, fail, target.Clone().Op("=").Op("&").Id(prefix+"v")))
			continue
		}
		body = append(body, jen.Block(decode, fail, target.Clone().Op("=").Id(prefix+"v")))
	}
	body = append(body, jen.Return(res.Clone(), jen.Nil()))
	r.f.Commentf("%s decodes the acknowledgement of %s.%s.", name, ei.obj.Name(), e.method.Name())
	r.f.Func().Id(name).Params(jen.Id(prefix+"args").Op("*").Add(r.qual(socketioPath, "Args"))).Params(reply, jen.Error()).Block(body...)
}

// encodeParam renders the statements writing argument v of the event.
func (r *renderer) encodeParam(p *param, v *jen.Statement) []jen.Code {
	enc := jen.Id(prefix + "e")
	if p.variadic {
		elem := p.typ.(*types.Slice).Elem()
		x := jen.Id(prefix + "x")
		return []jen.Code{jen.For(jen.List(jen.Id("_"), x.Clone()).Op(":=").Range().Add(v)).Block(
			append([]jen.Code{enc.Clone().Dot("Next").Call()}, r.encodeValue(elem, x, false)...)...)}
	}
	return append([]jen.Code{enc.Clone().Dot("Next").Call()}, r.encodeValue(p.typ, v, true)...)
}

// encodeValue renders the statements writing v, of type t (a pointer: nil
// is null). topLevel says that they are rendered in the function's body,
// where the mark of a recursive argument is declared once (r.markDeclared)
// and then assigned; elsewhere they have a block of their own.
func (r *renderer) encodeValue(t types.Type, v *jen.Statement, topLevel bool) []jen.Code {
	enc := jen.Id(prefix + "e")
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		ve := encoderFor(r.a.pkg, ptr.Elem())
		if ve.kind == encJSON {
			return []jen.Code{enc.Clone().Dot("JSON").Call(v)} // encoding/json writes nil as null
		}
		var inner []jen.Code
		if ve.generated() {
			inner = r.encodeTop(ve, v.Clone(), v.Clone(), true)
		} else {
			inner = r.scalar(ve, jen.Op("*").Add(v.Clone()))
		}
		return []jen.Code{jen.If(v.Clone().Op("==").Nil()).Block(enc.Clone().Dot("Null").Call()).Else().Block(inner...)}
	}
	ve := encoderFor(r.a.pkg, t)
	if ve.generated() {
		declare := !topLevel || !r.markDeclared
		if topLevel && ve.cyclic {
			r.markDeclared = true
		}
		return r.encodeTop(ve, v.Clone(), jen.Op("&").Add(v), declare)
	}
	return r.scalar(ve, v)
}

// encodeTop renders the call of ve's generated encoder on v, an argument
// (ptr its address); when ve's type graph has a cycle, the argument is
// written again by encoding/json if the generated code went too deep, from
// a mark the statements declare (declare) or assign.
func (r *renderer) encodeTop(ve valueEncoder, v *jen.Statement, ptr jen.Code, declare bool) []jen.Code {
	enc := jen.Id(prefix + "e")
	call := jen.Id(r.encoderName(ve)).Call(enc.Clone(), ptr)
	if !ve.cyclic {
		return []jen.Code{call}
	}
	m := jen.Id(prefix + "m")
	op := ":="
	if !declare {
		op = "="
	}
	return []jen.Code{
		m.Clone().Op(op).Add(enc.Clone()).Dot("Mark").Call(),
		call,
		enc.Clone().Dot("Recheck").Call(m.Clone(), v),
	}
}

// writeValue renders the statements writing x, an addressable expression of
// ve's type, inside a generated encoder; ptr is x's address.
func (r *renderer) writeValue(ve *valueEncoder, x *jen.Statement, ptr jen.Code) []jen.Code {
	enc := jen.Id(prefix + "e")
	switch {
	case ve.generated():
		return []jen.Code{jen.Id(r.registerEncoder(ve).name).Call(enc, ptr)}
	case ve.kind == encPtr:
		return []jen.Code{jen.If(x.Clone().Op("==").Nil()).Block(enc.Clone().Dot("Null").Call()).Else().Block(
			r.writeValue(ve.elem, jen.Parens(jen.Op("*").Add(x.Clone())), x.Clone())...)}
	}
	return r.scalar(*ve, x)
}

// scalar renders the call writing v, a value of a kind other than a struct
// siogen encodes.
func (r *renderer) scalar(ve valueEncoder, v jen.Code) []jen.Code {
	enc := jen.Id(prefix + "e")
	method := map[encKind]string{encString: "String", encBool: "Bool", encInt: "Int", encUint: "Uint", encFloat32: "Float32", encFloat64: "Float64"}[ve.kind]
	switch ve.kind {
	case encString, encBool, encInt, encUint, encFloat32, encFloat64:
		return []jen.Code{enc.Dot(method).Call(convert(ve.typ, scalarBasic[ve.kind], v))}
	case encBinary:
		if types.Identical(ve.typ, types.NewSlice(types.Typ[types.Byte])) {
			return []jen.Code{enc.Dot("Binary").Call(v)}
		}
		return []jen.Code{enc.Dot("Binary").Call(jen.Index().Byte().Parens(v))}
	case encRawJSON:
		return []jen.Code{enc.Dot("RawJSON").Call(v)}
	}
	return []jen.Code{enc.Dot("JSON").Call(v)}
}

// encoderName returns the name of the generated encoder of ve (a struct,
// slice, array or map), registering it and those of the types inside it.
func (r *renderer) encoderName(ve valueEncoder) string {
	return r.registerEncoder(&ve).name
}

// registerEncoder returns the generated encoder of ve, registering it and
// those of the types inside it.
func (r *renderer) registerEncoder(ve *valueEncoder) *structEncoder {
	key := types.TypeString(ve.typ, nil)
	if se := r.encoders[key]; se != nil {
		return se
	}
	base := prefix + localPrefix(r.a) + "encode_" + r.decName(ve.typ)
	name := base
	for i := 2; ; i++ {
		taken := false
		for _, se := range r.encoders {
			if se.name == name {
				taken = true
			}
		}
		if !taken {
			break
		}
		name = fmt.Sprintf("%s%d", base, i)
	}
	se := &structEncoder{name: name, typ: ve.typ, enc: ve}
	r.encoders[key] = se
	inner := func(e *valueEncoder) {
		if e.kind == encPtr {
			e = e.elem
		}
		if e.generated() {
			r.registerEncoder(e)
		}
	}
	switch ve.kind {
	case encStruct:
		for _, f := range ve.fields {
			inner(f.enc)
		}
	case encSlice, encArray, encMap:
		inner(ve.elem)
	}
	return se
}

// structEncoders renders the struct encoders, sorted by name.
func (r *renderer) structEncoders() {
	for _, se := range slices.SortedFunc(maps.Values(r.encoders), func(x, y *structEncoder) int { return cmp.Compare(x.name, y.name) }) {
		r.structEncoder(se)
	}
}

// structEncoder renders the generated encoder of a struct, slice, array or
// map, which writes what encoding/json writes for it.
func (r *renderer) structEncoder(se *structEncoder) {
	enc := jen.Id(prefix + "e")
	v := jen.Id(prefix + "v")
	ve := se.enc
	var body []jen.Code
	switch ve.kind {
	case encStruct:
		body = []jen.Code{enc.Clone().Dot("BeginObject").Call()}
		for _, f := range ve.fields {
			if f.kind == encArray && f.omitEmpty && f.typ.Underlying().(*types.Array).Len() == 0 {
				continue // always empty, always omitted
			}
			x := v.Clone().Dot(f.goName)
			var write []jen.Code
			switch {
			case f.quoted:
				write = r.quotedScalar(valueEncoder{kind: f.kind, typ: f.typ}, x.Clone())
			default:
				write = r.writeValue(f.enc, x.Clone(), jen.Op("&").Add(x.Clone()))
			}
			stmts := append([]jen.Code{enc.Clone().Dot("Key").Call(jen.Lit(f.key))}, write...)
			if cond := nonEmpty(f, x.Clone()); cond != nil && (f.omitEmpty || f.omitZero) {
				body = append(body, jen.If(cond).Block(stmts...))
			} else {
				body = append(body, stmts...)
			}
		}
		body = append(body, enc.Clone().Dot("EndObject").Call())
	case encSlice, encArray:
		i := jen.Id(prefix + "i")
		loop := []jen.Code{
			enc.Clone().Dot("BeginArray").Call(),
			jen.For(i.Clone().Op(":=").Range().Op("*").Add(v.Clone())).Block(
				append([]jen.Code{enc.Clone().Dot("Element").Call(i.Clone())},
					r.writeValue(ve.elem, jen.Parens(jen.Op("*").Add(v.Clone())).Index(i.Clone()), jen.Op("&").Parens(jen.Op("*").Add(v.Clone())).Index(i.Clone()))...)...),
			enc.Clone().Dot("EndArray").Call(),
		}
		if ve.kind == encSlice {
			body = append(body, jen.If(jen.Op("*").Add(v.Clone()).Op("==").Nil()).Block(enc.Clone().Dot("Null").Call(), jen.Return()))
		}
		body = append(body, loop...)
	case encMap:
		k, x := jen.Id(prefix+"k"), jen.Id(prefix+"x")
		body = []jen.Code{
			jen.If(jen.Op("*").Add(v.Clone()).Op("==").Nil()).Block(enc.Clone().Dot("Null").Call(), jen.Return()),
			enc.Clone().Dot("BeginObject").Call(),
			jen.For(jen.List(jen.Id("_"), k.Clone()).Op(":=").Range().Add(r.qual(runtimePath, "SortedKeys").Call(jen.Op("*").Add(v.Clone())))).Block(
				append([]jen.Code{
					enc.Clone().Dot("MapKey").Call(convert(ve.typ.Underlying().(*types.Map).Key(), types.String, k.Clone())),
					x.Clone().Op(":=").Parens(jen.Op("*").Add(v.Clone())).Index(k.Clone()),
				}, r.writeValue(ve.elem, x.Clone(), jen.Op("&").Add(x.Clone()))...)...),
			enc.Clone().Dot("EndObject").Call(),
		}
	}
	if ve.recursive {
		// After the nil checks, which end with a return.
		at := 0
		if ve.kind == encSlice || ve.kind == encMap {
			at = 1
		}
		guard := jen.If(jen.Op("!").Add(enc.Clone()).Dot("Enter").Call()).Block(jen.Return())
		body = append(append(append([]jen.Code{}, body[:at]...), guard), body[at:]...)
		body = append(body, enc.Clone().Dot("Leave").Call())
	}
	r.f.Commentf("%s writes *%sv as encoding/json does.", se.name, prefix)
	r.f.Func().Id(se.name).Params(enc.Clone().Op("*").Add(r.qual(runtimePath, "Encoder")), v.Clone().Op("*").Add(r.typ(se.typ))).Block(body...)
}

// quotedScalar renders the call writing a field tagged ",string".
func (r *renderer) quotedScalar(ve valueEncoder, v jen.Code) []jen.Code {
	method, basic := map[encKind]string{encString: "QuotedString", encBool: "QuotedBool", encInt: "QuotedInt", encUint: "QuotedUint", encFloat32: "QuotedFloat32", encFloat64: "QuotedFloat64"}[ve.kind], scalarBasic[ve.kind]
	return []jen.Code{jen.Id(prefix + "e").Dot(method).Call(convert(ve.typ, basic, v))}
}

// scalarBasic is the basic type each scalar kind's Encoder method takes.
var scalarBasic = map[encKind]types.BasicKind{encString: types.String, encBool: types.Bool, encInt: types.Int64, encUint: types.Uint64, encFloat32: types.Float32, encFloat64: types.Float64}

// convert renders v, of type t, converted to the basic type (not when it
// has that type).
func convert(t types.Type, basic types.BasicKind, v jen.Code) jen.Code {
	if types.Identical(t, types.Typ[basic]) {
		return v
	}
	return jen.Id(types.Typ[basic].Name()).Call(v)
}

// nonEmpty renders the condition under which a field with omitempty or
// omitzero is written; nil when it always is (a struct or an array of
// elements under omitempty).
func nonEmpty(f encField, x *jen.Statement) jen.Code {
	switch f.kind {
	case encString:
		return jen.Len(x).Op("!=").Lit(0)
	case encBool:
		return x
	case encPtr:
		return x.Op("!=").Nil()
	case encSlice, encMap:
		if f.omitZero && !f.omitEmpty {
			return x.Op("!=").Nil()
		}
		return jen.Len(x).Op("!=").Lit(0)
	case encArray, encStruct:
		return nil
	}
	return x.Op("!=").Lit(0)
}

package gen

import "go/token"

// A generatedName is a package-level name that the generated file declares
// for a consumer and that user code may refer to.
type generatedName struct {
	name  string
	what  string    // "function", "constant"
	value string    // a constant's value
	event *event    // the event a constant names; nil for the namespace
	c     *consumer // the consumer it is generated for; nil for an emitter's
	pos   token.Pos // where it comes from: the method, or the consumer

	iface *emitsIface // the //sio:emits interface it is generated for; nil for a consumer's
	emit  *emitEvent  // the emitted event it is generated for; nil for the emitter type
}

// generatedNames returns the names the generated file declares for c, in
// the order it declares them: the constants naming its namespace (a static
// one only: a regexp= or match= consumer serves many names) and events, then
// its Register functions.
func generatedNames(c *consumer) []generatedName {
	var names []generatedName
	if c.namespace != "" {
		names = append(names, generatedName{name: namespaceConst(c), what: "constant", value: c.namespace, c: c, pos: c.obj.Pos()})
	}
	for _, e := range c.events {
		names = append(names, generatedName{name: eventConst(c, e), what: "constant", value: e.name, event: e, c: c, pos: e.method.Pos()})
	}
	for _, n := range registerNames(c) {
		names = append(names, generatedName{name: n, what: "function", c: c, pos: c.obj.Pos()})
	}
	return names
}

// namespaceConst returns the name of the constant holding c's namespace:
// ChatNamespace for a consumer Chat, chatNamespace for an unexported chat.
func namespaceConst(c *consumer) string {
	return c.obj.Name() + "Namespace"
}

// eventConst returns the name of the constant holding the name of event e
// of c: the consumer's name, the method's without its Event prefix, and
// Event (Chat.EventChatMessage → ChatChatMessageEvent, a //sio:event
// method Join → ChatJoinEvent). It is unexported when c is.
func eventConst(c *consumer, e *event) string {
	method := e.method.Name()
	if rest, ok := eventSuffix(method, "Event"); ok {
		method = rest
	}
	return c.obj.Name() + method + "Event"
}

// checkGeneratedNames reports a name that the generated file would declare
// twice, for two consumers or two events (ChatX.EventFoo and Chat.EventXFoo
// both give ChatXFooEvent), at the later declaration.
func checkGeneratedNames(consumers []*consumer, emits []*emitsIface, errorf func(token.Pos, string, ...any), r *reporter, fset *token.FileSet) {
	seen := map[string]generatedName{}
	var all []generatedName
	for _, c := range consumers {
		all = append(all, generatedNames(c)...)
	}
	for _, ei := range emits {
		all = append(all, emitsNames(ei)...)
	}
	for _, g := range all {
		prev, dup := seen[g.name]
		if !dup {
			seen[g.name] = g
			continue
		}
		if prev.pos > g.pos {
			prev, g = g, prev
		}
		errorf(g.pos, "%s, the %s siogen generates for %s, is also generated for %s (%s); rename one of them",
			g.name, g.what, g.source(), prev.source(), r.rel(fset, prev.pos))
	}
}

// source names what a generated name is generated for.
func (g generatedName) source() string {
	if g.iface != nil {
		if g.emit != nil {
			return g.iface.obj.Name() + "." + g.emit.method.Name()
		}
		return "//sio:emits interface " + g.iface.obj.Name()
	}
	if g.event != nil {
		return g.c.obj.Name() + "." + g.event.method.Name()
	}
	return "consumer " + g.c.obj.Name()
}

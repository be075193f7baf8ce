package gen

import (
	"go/token"

	"golang.org/x/tools/go/packages"
)

// emitsNames returns the package-level names the generated file declares for
// the //sio:emits interface ei, in the order it declares them: the constants
// naming its events, the emitter type, and the reply types of the events
// acknowledged with more than one argument. It declares none for an
// interface that no consumer names.
func emitsNames(ei *emitsIface) []generatedName {
	if len(ei.consumers) == 0 {
		return nil
	}
	var names []generatedName
	for _, e := range ei.events {
		names = append(names, generatedName{name: emitConst(ei, e), what: "constant", value: e.name, iface: ei, emit: e, pos: e.method.Pos()})
	}
	names = append(names, generatedName{name: emitterName(ei), what: "emitter type", iface: ei, pos: ei.obj.Pos()})
	for _, e := range ei.events {
		if len(e.replies) > 1 {
			names = append(names, generatedName{name: replyName(ei, e), what: "reply type", iface: ei, emit: e, pos: e.method.Pos()})
		}
	}
	return names
}

// emitterName returns the name of the emitter type of ei: ChatEventsEmitter
// for an interface ChatEvents, chatEventsEmitter for chatEvents.
func emitterName(ei *emitsIface) string { return ei.obj.Name() + "Emitter" }

// emitConst returns the name of the constant holding the name of event e of
// ei: ChatEvents.UserJoined → ChatEventsUserJoinedEvent.
func emitConst(ei *emitsIface, e *emitEvent) string {
	return ei.obj.Name() + upperFirst(e.method.Name()) + "Event"
}

// replyName returns the name of the struct holding the acknowledgement of
// event e of ei when it has several arguments: ChatEvents.Ask →
// ChatEventsAskReply.
func replyName(ei *emitsIface, e *emitEvent) string {
	return ei.obj.Name() + upperFirst(e.method.Name()) + "Reply"
}

// checkEmitsNameClashes reports declarations of the package that the names
// the generated file declares for ei would clash with.
func checkEmitsNameClashes(pkg *packages.Package, ei *emitsIface, errorf func(token.Pos, string, ...any), r *reporter) {
	for _, g := range emitsNames(ei) {
		if obj := pkg.Types.Scope().Lookup(g.name); obj != nil {
			errorf(obj.Pos(), "%s clashes with the %s siogen generates for %s (%s); rename %s",
				g.name, g.what, g.source(), r.rel(pkg.Fset, g.pos), g.name)
		}
	}
}

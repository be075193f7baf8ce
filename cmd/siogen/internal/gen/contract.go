package gen

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/packages"
)

// contract is what the TypeScript and AsyncAPI outputs describe: the
// consumers of every package of a run (those of _test.go files excepted,
// which serve tests), each a namespace with the events in both directions.
type contract struct {
	fset       *token.FileSet
	pkgs       []string // the paths of the packages with consumers, sorted
	namespaces []*nsContract
	schemas    *schemaSet
}

// nsContract is one consumer: a namespace (or the namespaces of a regexp=
// or match= consumer).
type nsContract struct {
	c        *consumer
	pkg      *packages.Package
	name     string // the consumer's name in the outputs: its Go name, or pkg_Name on a clash (see names)
	doc      string
	auth     *schema // the CONNECT payload; nil: Connect takes none
	authDoc  string  // the Connect hook's doc comment
	toServer []*message
	toClient []*message
}

// message is one event: its arguments and, when acknowledged, the
// acknowledgement's.
type message struct {
	event string
	doc   string
	args  []*argument
	ack   bool
	reply []*argument // the acknowledgement's arguments; nil with untyped
	// untyped: the acknowledgement is a socketio.AckFunc, any arguments
	untyped bool
}

// buildContract collects the contract of analyses (one per package, test
// variants left out by the caller).
func buildContract(fset *token.FileSet, analyses []*analysis) *contract {
	var pkgs []*packages.Package
	for _, a := range analyses {
		if len(a.consumers) > 0 {
			pkgs = append(pkgs, a.pkg)
		}
	}
	k := &contract{fset: fset, schemas: newSchemaSet(pkgs)}
	ss := k.schemas
	for _, a := range analyses {
		if len(a.consumers) == 0 {
			continue
		}
		k.pkgs = append(k.pkgs, a.pkg.PkgPath)
		for _, c := range a.consumers {
			ns := &nsContract{c: c, pkg: a.pkg, doc: ss.docs[c.obj]}
			if c.connect != nil {
				ns.authDoc = ss.docs[c.connect.method]
				switch auth := c.connect.auth; {
				case auth == nil:
				case auth.dec.kind == kindRawBytes || auth.dec.kind == kindRawJSON:
					ns.auth = &schema{kind: schemaAny, note: "Any JSON value: Connect receives its text."}
				default:
					ns.auth = ss.of(stripPointer(auth.typ))
				}
			}
			for _, e := range c.events {
				sig := e.method.Type().(*types.Signature)
				var names []string
				for i := 2; i < sig.Params().Len(); i++ {
					names = append(names, sig.Params().At(i).Name())
				}
				m := &message{event: e.name, doc: ss.docs[e.method], args: ss.paramArgs(e.params, names)}
				if e.ack != nil {
					m.ack = true
					if e.ack.asAckFunc {
						m.untyped = true
					} else {
						m.reply = ss.tupleArgs(e.ack.sig.Params(), e.ack.sig.Variadic())
					}
				}
				ns.toServer = append(ns.toServer, m)
			}
			if c.emits != nil {
				for _, e := range c.emits.events {
					sig := e.method.Type().(*types.Signature)
					var names []string
					for i := range sig.Params().Len() {
						names = append(names, sig.Params().At(i).Name())
					}
					m := &message{event: e.name, doc: ss.docs[e.method], args: ss.paramArgs(e.params, names), ack: e.ack}
					if e.ack {
						var rnames []string
						for i := range sig.Results().Len() - 1 {
							rnames = append(rnames, sig.Results().At(i).Name())
						}
						m.reply = ss.paramArgs(e.replies, rnames)
					}
					ns.toClient = append(ns.toClient, m)
				}
			}
			k.namespaces = append(k.namespaces, ns)
		}
	}
	for _, ns := range k.namespaces {
		for _, m := range slices.Concat(ns.toServer, ns.toClient) {
			argNames(m.args)
			argNames(m.reply)
		}
	}
	slices.Sort(k.pkgs)
	slices.SortFunc(k.namespaces, func(a, b *nsContract) int {
		return cmp.Or(cmp.Compare(a.c.obj.Name(), b.c.obj.Name()), cmp.Compare(a.pkg.PkgPath, b.pkg.PkgPath))
	})
	return k
}

// names names the namespaces and the definitions of k, and returns the
// clashes between them. A consumer is named as its Go type, or, when
// consumers of several packages have one name, pkg_Name; the names the
// TypeScript output declares for it (ChatNamespace,
// ChatClientToServerEvents, …) are taken for the definitions. rel formats
// a position for a message.
func (k *contract) names(rel func(token.Pos) string) []nameClash {
	count := map[string]int{}
	for _, ns := range k.namespaces {
		count[ns.c.obj.Name()]++
	}
	taken := map[string]string{}
	var clashes []nameClash
	for _, ns := range k.namespaces {
		ns.name = ns.c.obj.Name()
		if count[ns.name] > 1 {
			ns.name = ns.pkg.Types.Name() + "_" + ns.name
		}
		for _, g := range ns.tsNames() {
			what := fmt.Sprintf("%s siogen declares for consumer %s (%s)", g.what, ns.c.obj.Name(), rel(ns.c.obj.Pos()))
			if prev, ok := taken[g.name]; ok {
				clashes = append(clashes, nameClash{ns.c.pos, fmt.Sprintf("%s is the name of the %s and of the %s in the TypeScript output; rename one of the consumers", g.name, what, prev)})
				continue
			}
			taken[g.name] = what
		}
	}
	return append(clashes, k.schemas.assignNames(taken)...)
}

// tsName is a name the TypeScript output declares for a consumer.
type tsName struct {
	name string
	what string
}

// tsNames returns the names the TypeScript output declares for ns.
func (ns *nsContract) tsNames() []tsName {
	names := []tsName{
		{ns.name + "ClientToServerEvents", "interface of client-to-server events"},
		{ns.name + "ServerToClientEvents", "interface of server-to-client events"},
	}
	if !ns.authIsNamed() {
		names = append(names, tsName{ns.name + "Auth", "auth payload type"})
	}
	switch {
	case ns.c.regexp != "":
		names = append(names, tsName{ns.name + "NamespaceRegexp", "namespace pattern constant"})
	case ns.c.match == nil:
		names = append(names, tsName{ns.name + "Namespace", "namespace constant"})
	}
	return names
}

// authIsNamed reports whether the auth payload's type is the Go type
// named as the TypeScript output would name the auth payload (a type
// ChatAuth for consumer Chat): that type is then the auth payload's type,
// declared once.
func (ns *nsContract) authIsNamed() bool {
	return ns.auth != nil && ns.auth.kind == schemaRef && ns.auth.def.base == ns.name+"Auth"
}

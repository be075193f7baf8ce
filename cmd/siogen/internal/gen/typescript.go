package gen

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
)

// renderTS returns the TypeScript declarations of k for socket.io-client
// 4.x (siogen -ts): per consumer the namespace's name, the auth payload's
// type and the ClientToServerEvents and ServerToClientEvents interfaces
// that Socket<ServerToClientEvents, ClientToServerEvents> takes, then
// every named Go type they use, sorted by name. k must be named (names).
func renderTS(k *contract) []byte {
	var b strings.Builder
	b.WriteString(Header + "\n\n")
	if len(k.namespaces) == 0 {
		b.WriteString("// The Socket.IO events of the //sio:consumer types of the packages siogen\n// loaded: it found none.\n")
		return []byte(b.String())
	}
	b.WriteString("// The Socket.IO events of " + strings.Join(k.pkgs, ", ") + ",\n")
	b.WriteString("// for socket.io-client 4.x. Connect with, for instance:\n//\n")
	// The example connects to the first namespace with a name.
	ns, url := k.namespaces[0], "url"
	for _, n := range k.namespaces {
		if n.c.regexp == "" && n.c.match == nil {
			ns, url = n, "origin + "+n.name+"Namespace"
			break
		}
	}
	fmt.Fprintf(&b, "//\timport { io, type Socket } from \"socket.io-client\";\n")
	fmt.Fprintf(&b, "//\tconst socket: Socket<%sServerToClientEvents, %sClientToServerEvents> = io(%s);\n", ns.name, ns.name, url)
	b.WriteString("\n")
	for _, ns := range k.namespaces {
		tsNamespace(&b, ns)
	}
	for _, d := range k.schemas.sortedDefs() {
		tsDefinition(&b, d)
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

func tsNamespace(b *strings.Builder, ns *nsContract) {
	c := ns.c
	switch {
	case c.regexp != "":
		tsDoc(b, "", cmp.Or(ns.doc, fmt.Sprintf("%s serves the namespaces whose names match this Go regular expression.", c.obj.Name())))
		fmt.Fprintf(b, "export const %sNamespaceRegexp = %s;\n\n", ns.name, tsString(c.regexp))
	case c.match != nil:
		// No constant: the namespaces are said in the events' doc.
	default:
		tsDoc(b, "", cmp.Or(ns.doc, fmt.Sprintf("%s serves the namespace %s.", c.obj.Name(), c.namespace)))
		fmt.Fprintf(b, "export const %sNamespace = %s;\n\n", ns.name, tsString(c.namespace))
	}
	if ns.auth != nil && !ns.authIsNamed() {
		tsDoc(b, "", joinDoc(fmt.Sprintf("The auth payload of %s's connections (socket.io-client's auth option), which its Connect hook receives.", c.obj.Name()), ns.authDoc))
		fmt.Fprintf(b, "export type %sAuth = %s;\n\n", ns.name, tsType(ns.auth))
	}
	doc := fmt.Sprintf("The events a client sends to %s: Socket's second type parameter.", c.obj.Name())
	if c.match != nil {
		doc = joinDoc(doc, cmp.Or(ns.doc, fmt.Sprintf("%s serves the namespaces that the Go function %s accepts.", c.obj.Name(), c.match.Name())))
	}
	tsDoc(b, "", doc)
	tsEvents(b, ns.name+"ClientToServerEvents", ns.toServer, true)
	tsDoc(b, "", fmt.Sprintf("The events %s sends to a client: Socket's first type parameter.", c.obj.Name()))
	tsEvents(b, ns.name+"ServerToClientEvents", ns.toClient, false)
}

// tsEvents writes the events interface name of msgs.
func tsEvents(b *strings.Builder, name string, msgs []*message, toServer bool) {
	if len(msgs) == 0 {
		fmt.Fprintf(b, "export interface %s {}\n\n", name)
		return
	}
	fmt.Fprintf(b, "export interface %s {\n", name)
	for _, m := range msgs {
		tsEvent(b, m, toServer)
	}
	b.WriteString("}\n\n")
}

// tsEvent writes the member of an events interface for m: a function of
// the event's arguments and, when acknowledged, a trailing callback.
// toServer: the client sends the arguments (a trailing pointer may be left
// out when no callback follows) and receives the acknowledgement's.
func tsEvent(b *strings.Builder, m *message, toServer bool) {
	tsDoc(b, "  ", m.doc)
	params := tsParams(m.args, toServer && !m.ack)
	if m.ack {
		var cb string
		if m.untyped {
			cb = "(...args: unknown[]) => void"
		} else {
			cb = "(" + strings.Join(tsParams(m.reply, !toServer), ", ") + ") => void"
		}
		name := "callback"
		for taken := true; taken; {
			taken = false
			for _, a := range m.args {
				if a.name == name {
					name += "_"
					taken = true
				}
			}
		}
		params = append(params, name+": "+cb)
	}
	fmt.Fprintf(b, "  %s: (%s) => void;\n", tsKey(m.event), strings.Join(params, ", "))
}

// tsParams returns the parameters of a function taking args; optionalOK:
// trailing pointers may be left out (the receiver takes a missing argument
// as nil).
func tsParams(args []*argument, optionalOK bool) []string {
	// The arguments from first on are optional.
	first := len(args)
	if optionalOK {
		for first > 0 && args[first-1].optional && !args[first-1].variadic {
			first--
		}
	}
	var ps []string
	for i, a := range args {
		switch {
		case a.variadic:
			ps = append(ps, "..."+a.name+": "+tsArray(a.s))
		case i >= first:
			ps = append(ps, a.name+"?: "+tsType(a.s))
		default:
			ps = append(ps, a.name+": "+tsType(a.s))
		}
	}
	return ps
}

func tsDefinition(b *strings.Builder, d *definition) {
	tsDoc(b, "", joinDoc(d.doc, d.s.note))
	if d.s.kind == schemaObject {
		fmt.Fprintf(b, "export interface %s %s\n\n", d.name, tsObject(d.s, ""))
		return
	}
	fmt.Fprintf(b, "export type %s = %s;\n\n", d.name, tsType(d.s))
}

// tsType returns the TypeScript type of s.
func tsType(s *schema) string {
	var t string
	switch s.kind {
	case schemaBool:
		t = "boolean"
	case schemaInteger, schemaNumber:
		t = "number"
	case schemaString:
		t = "string"
	case schemaArray:
		t = tsArray(s.items)
	case schemaMap:
		t = "Record<string, " + tsType(s.items) + ">"
	case schemaObject:
		t = tsObject(s, "")
	case schemaRef:
		t = s.def.name
	case schemaBinary:
		// What socket.io-client sends as an attachment, and what it
		// delivers: an ArrayBuffer in browsers, a Buffer (a Uint8Array)
		// in Node.js.
		t = "ArrayBuffer | Uint8Array"
	default:
		return "unknown" // null included
	}
	if s.nullable {
		t += " | null"
	}
	return t
}

// tsArray returns the type of an array of s.
func tsArray(s *schema) string {
	t := tsType(s)
	if strings.Contains(t, " ") {
		t = "(" + t + ")"
	}
	return t + "[]"
}

// tsObject returns an object type literal of s's fields, indented by
// indent.
func tsObject(s *schema, indent string) string {
	if len(s.fields) == 0 {
		return "{}"
	}
	var b strings.Builder
	b.WriteString("{\n")
	for _, f := range s.fields {
		tsDoc(&b, indent+"  ", joinDoc(f.doc, f.s.note))
		opt := ""
		if !f.required {
			opt = "?"
		}
		t := tsType(f.s)
		if f.s.kind == schemaObject {
			t = tsObject(f.s, indent+"  ")
			if f.s.nullable {
				t += " | null"
			}
		}
		fmt.Fprintf(&b, "%s  %s%s: %s;\n", indent, tsKey(f.name), opt, t)
	}
	b.WriteString(indent + "}")
	return b.String()
}

var tsIdent = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// tsKey returns name as a property key: bare when it is an identifier,
// quoted otherwise.
func tsKey(name string) string {
	if tsIdent.MatchString(name) {
		return name
	}
	return tsString(name)
}

// tsString returns s as a TypeScript string literal.
func tsString(s string) string {
	return jsonString(s) // a JSON string is a JavaScript string literal
}

// tsDoc writes text as a TSDoc comment indented by indent.
func tsDoc(b *strings.Builder, indent, text string) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "*/", "*\\/"))
	if text == "" {
		return
	}
	lines := strings.Split(text, "\n")
	if len(lines) == 1 {
		fmt.Fprintf(b, "%s/** %s */\n", indent, text)
		return
	}
	b.WriteString(indent + "/**\n")
	for _, l := range lines {
		if l == "" {
			b.WriteString(indent + " *\n")
			continue
		}
		b.WriteString(indent + " * " + l + "\n")
	}
	b.WriteString(indent + " */\n")
}

// joinDoc joins the non-empty parts with an empty line.
func joinDoc(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

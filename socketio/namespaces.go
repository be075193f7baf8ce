package socketio

import (
	"slices"
	"strings"
)

// Namespaces returns the server's namespaces, sorted by name: "/", those
// made by [Server.Of], and the live children of dynamic namespaces (not
// the dynamic namespaces themselves). For an admin view, such as package
// socketio/admin's server stats.
func (s *Server) Namespaces() []*Namespace {
	out := s.namespaces()
	slices.SortFunc(out, func(a, b *Namespace) int { return strings.Compare(a.name, b.name) })
	return out
}

// Lookup returns the namespace named name, as [Server.Namespaces] lists
// them, without creating it (unlike [Server.Of]), for code that takes a
// namespace name from a client and must not let it make namespaces.
func (s *Server) Lookup(name string) (*Namespace, bool) {
	s.mu.RLock()
	n, ok := s.nsps[name]
	s.mu.RUnlock()
	return n, ok
}

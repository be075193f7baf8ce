package socketio

import (
	"errors"
	"slices"
	"testing"
	"testing/synctest"
)

func TestEmitArgs(t *testing.T) {
	tests := []struct {
		name string
		emit func(s *Server, so map[string]*Socket, a *Args) error
		want []string
	}{
		{"socket", func(_ *Server, so map[string]*Socket, a *Args) error { return so["a"].EmitArgs("m", a) }, []string{"a"}},
		{"room", func(s *Server, _ map[string]*Socket, a *Args) error { return s.To("r2").EmitArgs("m", a) }, []string{"b", "c"}},
		{"socket broadcast", func(_ *Server, so map[string]*Socket, a *Args) error { return so["a"].Broadcast().EmitArgs("m", a) }, []string{"b", "c", "d"}},
		{"namespace", func(s *Server, _ map[string]*Socket, a *Args) error { return s.Of("/").EmitArgs("m", a) }, []string{"a", "b", "c", "d"}},
		{"server", func(s *Server, _ map[string]*Socket, a *Args) error { return s.EmitArgs("m", a) }, []string{"a", "b", "c", "d"}},
	}
	args := []struct {
		name, raw, want string
		att             [][]byte
	}{
		{"values", `[1, "<x>", {"k":true}]`, `2["m",1, "<x>", {"k":true}]`, nil},
		{"none", `[]`, `2["m"]`, nil},
		{"nil", "", `2["m"]`, nil},
		{"attachment", `[{"_placeholder":true,"num":0}]`, `51-["m",{"_placeholder":true,"num":0}]`, [][]byte{[]byte("bin")}},
	}
	for _, tt := range tests {
		for _, a := range args {
			t.Run(tt.name+"/"+a.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					s := newTestServer(t, nil)
					clients, sockets := roomFixture(t, s)
					var args *Args
					if a.raw != "" {
						args = NewArgs([]byte(a.raw), a.att)
					}
					if err := tt.emit(s, sockets, args); err != nil {
						t.Fatal(err)
					}
					if got := receivers(clients, a.want); !slices.Equal(got, tt.want) {
						t.Fatalf("%s received by %q, want %q", a.want, got, tt.want)
					}
				})
			})
		}
	}
}

func TestEmitArgsReserved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		_, sockets := roomFixture(t, s)
		var re *ReservedEventError
		for name, err := range map[string]error{
			"socket":    sockets["a"].EmitArgs("connect", nil),
			"broadcast": s.To("r1").EmitArgs("disconnect", nil),
			"namespace": s.Of("/").EmitArgs("newListener", nil),
		} {
			if !errors.As(err, &re) {
				t.Errorf("%s: EmitArgs of a reserved event: %v; want a *ReservedEventError", name, err)
			}
		}
	})
}

package socketio

import (
	"slices"
	"testing"
	"testing/synctest"
)

// TestOwnRoom checks the rooms named by socket ids, which the adapter
// keeps apart from the other rooms (see sidRooms): every operation sees
// them as rooms like any other.
func TestOwnRoom(t *testing.T) {
	tests := []struct {
		name string
		// act runs on two connected sockets a and b.
		act func(a, b *Socket)
		// want returns the sockets (by name: "a", "b") in the room named
		// by a's id, a's rooms, and whether Rooms lists a's id.
		inA      []string
		roomsOfA func(a, b *Socket) []string
		listed   bool
	}{
		{
			name:     "own room only",
			act:      func(a, b *Socket) {},
			inA:      []string{"a"},
			roomsOfA: func(a, b *Socket) []string { return []string{a.ID()} },
			listed:   true,
		},
		{
			name:     "left own room",
			act:      func(a, b *Socket) { a.Leave(a.ID()) },
			inA:      nil,
			roomsOfA: func(a, b *Socket) []string { return []string{} },
			listed:   false,
		},
		{
			name:     "left and joined again",
			act:      func(a, b *Socket) { a.Leave(a.ID()); a.Join(a.ID(), "x") },
			inA:      []string{"a"},
			roomsOfA: func(a, b *Socket) []string { return sorted(a.ID(), "x") },
			listed:   true,
		},
		{
			name:     "another socket joins a's room",
			act:      func(a, b *Socket) { b.Join(a.ID()) },
			inA:      []string{"a", "b"},
			roomsOfA: func(a, b *Socket) []string { return []string{a.ID()} },
			listed:   true,
		},
		{
			name:     "only another socket in a's room",
			act:      func(a, b *Socket) { b.Join(a.ID()); a.Leave(a.ID()) },
			inA:      []string{"b"},
			roomsOfA: func(a, b *Socket) []string { return []string{} },
			listed:   true,
		},
		{
			name:     "other rooms joined and left",
			act:      func(a, b *Socket) { a.Join("x", "y"); a.LeaveAll("x", "y") },
			inA:      []string{"a"},
			roomsOfA: func(a, b *Socket) []string { return []string{a.ID()} },
			listed:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				ta, tb := dial(t, s), dial(t, s)
				a, b := ta.connect("/"), tb.connect("/")
				tt.act(a, b)
				ad := s.main().adapter
				name := map[string]string{a.ID(): "a", b.ID(): "b"}
				var in []string
				for _, id := range ad.Sockets([]string{a.ID()}) {
					in = append(in, name[id])
				}
				slices.Sort(in)
				if !slices.Equal(in, tt.inA) {
					t.Errorf("sockets in a's room: %q, want %q", in, tt.inA)
				}
				if got, want := a.Rooms(), tt.roomsOfA(a, b); !slices.Equal(got, want) {
					t.Errorf("a.Rooms() = %q, want %q", got, want)
				}
				if got := slices.Contains(ad.Rooms(), a.ID()); got != tt.listed {
					t.Errorf("Rooms() lists a's id: %v, want %v", got, tt.listed)
				}
				if rooms := ad.Rooms(); len(slices.Compact(slices.Clone(rooms))) != len(rooms) {
					t.Errorf("Rooms() lists a room twice: %q", rooms)
				}

				// A broadcast to a's room reaches its members; one to
				// everyone but a's room reaches the others.
				ta.conn.take()
				tb.conn.take()
				if err := s.To(a.ID()).Emit("to"); err != nil {
					t.Fatal(err)
				}
				if err := s.Except(a.ID()).Emit("except"); err != nil {
					t.Fatal(err)
				}
				got := map[string][]string{"a": ta.settle(), "b": tb.settle()}
				for _, who := range []string{"a", "b"} {
					var want []string
					if slices.Contains(tt.inA, who) {
						want = append(want, `2["to"]`)
					} else {
						want = append(want, `2["except"]`)
					}
					if !slices.Equal(got[who], want) {
						t.Errorf("%s got %q, want %q", who, got[who], want)
					}
				}

				// Disconnecting a forgets its rooms, the other socket's
				// membership of a's room stays.
				a.Disconnect(false)
				synctest.Wait()
				if got := ad.SocketRooms(a.ID()); got != nil {
					t.Errorf("rooms of a disconnected socket: %q", got)
				}
				wantListed := slices.Contains(tt.inA, "b")
				if got := slices.Contains(ad.Rooms(), a.ID()); got != wantListed {
					t.Errorf("after a's disconnection, Rooms() lists a's id: %v, want %v", got, wantListed)
				}
			})
		})
	}
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

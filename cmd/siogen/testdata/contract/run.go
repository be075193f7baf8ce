package main

// run.go prints values of the contract's types as encoding/json encodes
// them, one "Type JSON" a line: the test validates each against the
// AsyncAPI document's schema of Type, and compiles each as a value of the
// TypeScript type, so that both describe what encoding/json writes.

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/siogo/sio/socketio"
)

func sample(name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%s %s\n", name, b)
}

func main() {
	srv := socketio.NewServer(nil)
	RegisterRoom(srv, func() *Room { return &Room{} })
	RegisterTeam(srv, func() *Team { return &Team{} })

	sent := time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC)
	yes := true
	next := "p2"
	sample("Message", Message{})
	sample("Message", Message{
		Text: "hi", Room: "lobby", Seq: 42, Sent: sent, Edited: &sent,
		Author:     &User{Name: "ann", Roles: []Role{"admin"}, Scores: [3]float64{1, 2.5, 3}, ByDay: map[uint]uint8{1: 2}, Any: []any{1, "x", nil}},
		Attachment: []byte{1, 2, 3}, Reactions: map[string]int{"+1": 2}, Flags: map[int16]bool{-3: true},
		Extra: json.RawMessage(`{"free":["form"]}`), Meta: Meta{ID: "m1", Text: "shadowed"},
		Trace: &Trace{TraceID: "t1"}, Labeled: Labeled{Label: "l"}, hidden: 1, Skipped: "s", Dash: "d",
		Quoted: &yes, Untouchable: "u",
	})
	sample("User", User{})
	sample("Tree", Tree{Label: "root", Children: []*Tree{{Label: "leaf"}, nil}})
	sample("Page_Tree", Page[Tree]{})
	sample("Page_Tree", Page[Tree]{Items: []Tree{{Label: "a"}}, Next: &next})
	sample("Level", Level(2))
	sample("Color", Color{R: 255, G: 128})
	sample("Auth", Auth{Token: "t"})
	sample("Auth", Auth{Token: "t", Remember: true})
	sample("Status", Status{OK: true})
	sample("Question", Question{Text: "?"})
	sample("Answer", Answer{Choice: 2})
	sample("Role", Role("guest"))
	sample("Labeled", Labeled{})
	sample("Thread", Thread{nil, Thread{}, Thread{Thread{}}})
}

package main

// run.go drives the generated emitters against a real socketio.Server
// over WebSocket: raw Socket.IO clients print every packet they receive
// (with its attachments), acknowledge the events that ask for it, and the
// typed emits are compared with untyped Emit of the same values.

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/socketio"
)

// client is a raw Socket.IO client of /chat.
type client struct {
	name    string
	conn    *websocket.Conn
	packets chan string // events received, with their attachments
	replies map[string]string
	sock    *socketio.Socket // its socket on the server
}

func dial(url, name string, replies map[string]string) *client {
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		log.Fatal(err)
	}
	c := &client{name: name, conn: conn, packets: make(chan string, 100), replies: replies}
	c.read() // the Engine.IO open packet
	c.write("40/chat,")
	if p := c.read(); !strings.HasPrefix(p, `40/chat,{"sid":`) {
		log.Fatalf("connect: %s", p)
	}
	go c.loop()
	return c
}

func (c *client) read() string {
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			return ""
		}
		if string(data) == "2" {
			c.write("3")
			continue
		}
		return string(data)
	}
}

func (c *client) write(s string) {
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		log.Fatal(err)
	}
}

// loop reads packets: an event with attachments is printed with them, and
// an event with an ack id is acknowledged with c.replies[event].
func (c *client) loop() {
	defer close(c.packets)
	for {
		p := c.read()
		if p == "" {
			return
		}
		out := p
		if strings.HasPrefix(p, "45") {
			n := 0
			fmt.Sscanf(p[2:], "%d-", &n)
			for range n {
				_, data, err := c.conn.ReadMessage()
				if err != nil {
					return
				}
				out += fmt.Sprintf(" +attachment %q", data)
			}
		}
		c.packets <- out
		rest := strings.TrimPrefix(p[strings.IndexByte(p, ',')+1:], "")
		id := ""
		for rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			id += rest[:1]
			rest = rest[1:]
		}
		if id != "" {
			var args []json.RawMessage
			if err := json.Unmarshal([]byte(rest), &args); err != nil {
				log.Fatal(err)
			}
			var event string
			json.Unmarshal(args[0], &event)
			c.write("43/chat," + id + c.replies[event])
		}
	}
}

// next returns the next packet.
func (c *client) next() string {
	select {
	case p := <-c.packets:
		return p
	case <-time.After(10 * time.Second):
		return "(timeout)"
	}
}

// expect prints what each client received since: the server sends each a
// mark, which comes after everything sent to it before.
func expect(what string, clients ...*client) {
	fmt.Println(what)
	for _, c := range clients {
		if err := c.sock.Emit("mark"); err != nil {
			log.Fatal(err)
		}
		got := false
		for p := c.next(); p != `42/chat,["mark"]`; p = c.next() {
			fmt.Printf("\t%s: %s\n", c.name, p)
			got = true
			if p == "(timeout)" {
				return
			}
		}
		if !got {
			fmt.Printf("\t%s: (none)\n", c.name)
		}
	}
}

func check(err error) {
	if err != nil {
		fmt.Println("\terror:", err)
	}
}

func main() {
	srv := socketio.NewServer(nil)
	RegisterChat(srv, func() *Chat { return &Chat{} })
	hs := httptest.NewServer(srv)
	defer hs.Close()
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/socket.io/?EIO=4&transport=websocket"

	replies := map[string]string{
		"ask":  `[{"choice":2,"note":"yes"}]`,
		"ping": `[]`,
		"poll": `[3,"maybe"]`,
	}
	ann := dial(url, "ann", replies)
	bob := dial(url, "bob", map[string]string{"ask": `["not an answer"]`, "ping": `[]`, "poll": `[4]`})
	cid := dial(url, "cid", replies)
	all := []*client{ann, bob, cid}

	// The sockets, by client, in the order they connected.
	nsp := srv.Of(ChatNamespace)
	var sockets []*socketio.Socket
	for len(sockets) < 3 {
		sockets = nsp.Sockets()
		time.Sleep(time.Millisecond)
	}
	byName := map[*client]*socketio.Socket{}
	// Identify each client's socket: emit its id to each socket.
	for _, s := range sockets {
		if err := s.Emit("whoami", s.ID()); err != nil {
			log.Fatal(err)
		}
	}
	ids := map[string]*socketio.Socket{}
	for _, s := range sockets {
		ids[s.ID()] = s
	}
	for _, c := range all {
		p := c.next()
		var args []string
		json.Unmarshal([]byte(p[strings.IndexByte(p, ',')+1:]), &args)
		byName[c] = ids[args[1]]
	}
	sa, sb, sc := byName[ann], byName[bob], byName[cid]
	ann.sock, bob.sock, cid.sock = sa, sb, sc
	sa.Join("red")
	sb.Join("red", "blue")
	sc.Join("blue")

	var emit ChatEventsEmitter
	ctx := context.Background()
	n := 7

	fmt.Println("== one socket")
	check(emit.ChatMessage(sa, Message{Text: "hi <there> & \u2028", Sent: 1}))
	expect("ChatMessage(ann)", ann)
	check(emit.ChatMessage(sa, Message{Text: "t", From: "me", Sent: -5}))
	expect("ChatMessage(ann) with from", ann)
	check(emit.UserJoined(sa, "ann", 3))
	expect("UserJoined", ann)
	check(emit.Left(sa, "bob"))
	expect("Left (//sio:event user-left)", ann)
	check(emit.Hello(sa, "hey"))
	expect("Hello (embedded Base)", ann)
	check(emit.File(sa, "f.bin", []byte{0, 1, 2}, Blob("blob"), nil))
	expect("File without opt", ann)
	opt := []byte("opt")
	check(emit.File(sa, "g", nil, nil, &opt))
	expect("File with opt, nil data", ann)
	check(emit.Optional(sa, nil, nil))
	expect("Optional(nil, nil)", ann)
	check(emit.Optional(sa, &Message{Text: "p"}, &n))
	expect("Optional(&msg, &n)", ann)
	room := Room{Name: "r", Members: []string{"a", "b"}, Last: &Message{Text: "<b>"}, Meta: map[string]int{"z": 1, "a": 2}}
	check(emit.Nested(sa, room))
	expect("Nested", ann)
	tagged := Tagged{Renamed: "x", Zero: math.Copysign(0, -1), Quoted: 42, QuotedS: `say "hi"`, QuotedF: 1.5, Dash: "d", Skipped: "s", Level: 2, hidden: "h", Untagged: 255}
	check(emit.Tagged(sa, tagged))
	expect("Tagged", ann)
	check(emit.Tagged(sa, Tagged{Empty: "e", Zero: 1e-7, Both: 1, Flag: true}))
	expect("Tagged, other values", ann)
	check(emit.Scalars(sa, "name", true, -8, 8, 0.1, 1e21, 3))
	expect("Scalars", ann)
	err := emit.Scalars(sa, "", false, 0, 0, float32(math.Inf(1)), 0, 0)
	expect("Scalars with +Inf (an error, nothing sent)", ann)
	check(err)
	check(emit.Raw(sa, json.RawMessage(`{"k": [1, 2]}`)))
	expect("Raw", ann)
	err = emit.Raw(sa, json.RawMessage(`{`))
	expect("Raw, invalid (an error, nothing sent)", ann)
	check(err)
	check(emit.Many(sa, 1))
	check(emit.Many(sa, 1, "a", "b"))
	expect("Many(1), Many(1, a, b)", ann)
	check(emit.Shadow(sa, "s", 1, true))
	expect("Shadow", ann)

	fmt.Println("== typed and untyped emits are the same packets")
	same := func(what string, typed func() error, event string, args ...any) {
		check(typed())
		got := ann.next()
		check(sa.Emit(event, args...))
		want := ann.next()
		fmt.Printf("%s: same=%v\n", what, got == want)
		if got != want {
			fmt.Printf("\ttyped:   %s\n\tuntyped: %s\n", got, want)
		}
	}
	msg := Message{Text: "<&>\xff", From: "\u2029", Sent: math.MaxInt64}
	same("ChatMessage", func() error { return emit.ChatMessage(sa, msg) }, ChatEventsChatMessageEvent, msg)
	same("Tagged", func() error { return emit.Tagged(sa, tagged) }, ChatEventsTaggedEvent, tagged)
	same("Nested", func() error { return emit.Nested(sa, room) }, ChatEventsNestedEvent, room)
	same("Scalars", func() error { return emit.Scalars(sa, "n", true, -1, 1, 1e-7, -2.5e-10, 9) },
		ChatEventsScalarsEvent, Name("n"), true, int8(-1), uint(1), float32(1e-7), -2.5e-10, Level(9))
	same("File", func() error { return emit.File(sa, "f", []byte("d"), nil, &opt) }, ChatEventsFileEvent, "f", []byte("d"), []byte(nil), opt)

	fmt.Println("== broadcasts")
	check(emit.UserJoined(sa.To("red"), "ann", 1))
	expect("sa.To(red): bob only (not ann, the sender)", ann, bob, cid)
	check(emit.UserJoined(nsp.To("red", "blue"), "x", 2))
	expect("nsp.To(red, blue): everyone", ann, bob, cid)
	check(emit.UserJoined(nsp.Except("blue"), "x", 3))
	expect("nsp.Except(blue): ann", ann, bob, cid)
	check(emit.UserJoined(sb.Broadcast(), "bob", 4))
	expect("sb.Broadcast(): ann and cid", ann, bob, cid)
	check(emit.UserJoined(nsp, "all", 5))
	expect("nsp: everyone", ann, bob, cid)
	// A volatile event is dropped while a session's writer is busy: let
	// the writers of the marks above finish.
	time.Sleep(200 * time.Millisecond)
	check(emit.UserJoined(nsp.To("blue").Volatile(), "v", 6))
	expect("nsp.To(blue).Volatile(): bob and cid", ann, bob, cid)
	time.Sleep(200 * time.Millisecond)
	check(emit.UserJoined(sc.Volatile(), "v", 7))
	expect("sc.Volatile(): cid", ann, bob, cid)
	check(emit.UserJoined(nsp.Local().To("red"), "l", 8))
	expect("nsp.Local().To(red): ann and bob", ann, bob, cid)
	check(emit.File(nsp.To("blue"), "b", []byte("bin"), Blob("b2"), nil))
	expect("File to blue: attachments to each", ann, bob, cid)

	fmt.Println("== acknowledgements")
	answer, err := emit.Ask(ctx, sa, Question{Text: "?"})
	expect(fmt.Sprintf("Ask(ann) = %+v, %v", answer, err), ann)
	answer, err = emit.Ask(ctx, sb, Question{Text: "?"})
	expect(fmt.Sprintf("Ask(bob), a reply that does not decode = %+v, %v", answer, err), bob)
	check(emit.Ping(ctx, sc))
	expect("Ping(cid)", cid)
	poll, err := emit.Poll(ctx, sa, "q")
	expect(fmt.Sprintf("Poll(ann) = %d %q, %v", poll.Choice, *poll.Note, err), ann)
	poll, err = emit.Poll(ctx, sb, "q")
	expect(fmt.Sprintf("Poll(bob) = %d %v, %v", poll.Choice, poll.Note, err), bob)

	answers, err := emit.AskAll(ctx, nsp, Question{Text: "all?"})
	fmt.Printf("AskAll(nsp) = %+v\n\terror: %v\n", answers, err)
	expect("\treceived", ann, bob, cid)
	count, err := emit.PingAll(ctx, nsp.To("blue"))
	fmt.Printf("PingAll(blue) = %d, %v\n", count, err)
	expect("\treceived", ann, bob, cid)
	polls, err := emit.PollAll(ctx, nsp.To("red"), "r")
	slices.SortFunc(polls, func(x, y ChatEventsPollReply) int { return x.Choice - y.Choice }) // arrival order varies
	for _, p := range polls {
		note := "<nil>"
		if p.Note != nil {
			note = *p.Note
		}
		fmt.Printf("PollAll(red): %d %s\n", p.Choice, note)
	}
	fmt.Printf("PollAll(red) error: %v\n", err)
	expect("\treceived", ann, bob, cid)

	// A client that never answers: the timeout keeps the replies received.
	silent, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		log.Fatal(err)
	}
	silent.ReadMessage()
	silent.WriteMessage(websocket.TextMessage, []byte("40/chat,"))
	silent.ReadMessage()
	for len(nsp.Sockets()) < 4 {
		time.Sleep(time.Millisecond)
	}
	tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	answers, err = emit.AskAll(tctx, nsp.Except("blue"), Question{Text: "late?"})
	cancel()
	fmt.Printf("AskAll with a silent client = %+v\n\terror: %v\n", answers, err)
	expect("\treceived", ann, bob, cid)
	silent.Close()

	for _, c := range all {
		c.conn.Close()
	}
	os.Stdout.Sync()
}

package main

// run.go drives the generated code of this golden case: Register on a real
// socketio.Server behind an httptest server, and a raw Engine.IO long-polling
// client connecting to namespaces.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/siogo/sio/socketio"
)

// client is an Engine.IO long-polling session.
type client struct{ url string }

func dial(base string) *client {
	body := get(base + "/socket.io/?EIO=4&transport=polling")
	// 0{"sid":"...",...}
	sid := body[strings.Index(body, `"sid":"`)+7:]
	sid = sid[:strings.Index(sid, `"`)]
	return &client{url: base + "/socket.io/?EIO=4&transport=polling&sid=" + sid}
}

func get(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// send sends a Socket.IO packet (as an Engine.IO message, "4…").
func (c *client) send(packet string) {
	resp, err := http.Post(c.url, "text/plain;charset=UTF-8", strings.NewReader("4"+packet))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
}

// next returns the next Socket.IO packet (an Engine.IO message, "4…"),
// skipping pings.
func (c *client) next() string {
	for {
		for _, p := range strings.Split(get(c.url), "\x1e") {
			if strings.HasPrefix(p, "4") {
				return p[1:]
			}
		}
	}
}

func main() {
	srv := socketio.NewServer(nil)
	RegisterRoom(srv, func() *Room { return &Room{} })
	RegisterTeam(srv, func() *Team { return &Team{} })
	RegisterLobby(srv, func() *Lobby { return &Lobby{} })
	ts := httptest.NewServer(srv)
	defer ts.Close()

	for _, tt := range []struct{ ns, auth string }{
		{"/room-1", ""},
		{"/room-22", ""},
		{"/room-x", ""},
		{"/other", ""},
		{"/team-a", `{"token":"t"}`},
		{"/team-b", `{"deny":true}`},
		{"/lobby", ""},
		{"/lobby-2", ""},
	} {
		c := dial(ts.URL)
		c.send("0" + tt.ns + "," + tt.auth)
		answer := c.next()
		if strings.HasPrefix(answer, "0") {
			// 0/room-1,{"sid":"..."}: accepted; ask the handler where it is.
			c.send("2" + tt.ns + `,1["where"]`)
			fmt.Printf("%s: connected; where: %s\n", tt.ns, c.next())
			continue
		}
		fmt.Printf("%s: refused: %s\n", tt.ns, answer)
	}
}

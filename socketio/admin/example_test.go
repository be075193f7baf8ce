package admin_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"golang.org/x/crypto/bcrypt"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/admin"
)

// An Admin serves the official Admin UI (admin.socket.io, or the
// @socket.io/admin-ui package's ui/dist) on the namespace /admin, behind
// a user name and a bcrypt-hashed password.
func Example() {
	hash, _ := bcrypt.GenerateFromPassword([]byte("change me"), bcrypt.DefaultCost)
	a, err := admin.New(&admin.Options{
		Auth: &admin.BasicAuth{Username: "admin", PasswordHash: string(hash)},
		Mode: admin.Production, // stats only; Development adds every socket's details
	})
	if err != nil {
		log.Fatal(err)
	}
	// The UI at https://admin.socket.io runs in the browser: allow its
	// origin, with credentials.
	srv := socketio.NewServer(a.Instrument(&socketio.Options{
		Engine: &engineio.Options{CORS: &engineio.CORSOptions{
			Origins:     []string{"https://admin.socket.io"},
			Credentials: true,
		}},
	}))
	if err := a.Attach(srv); err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer srv.Shutdown(context.Background())
	http.Handle("/socket.io/", srv)
	fmt.Println(a.Features())
	// Output: [EMIT JOIN LEAVE DISCONNECT MJOIN MLEAVE MDISCONNECT AGGREGATED_EVENTS]
}

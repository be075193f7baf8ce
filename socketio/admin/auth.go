package admin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/siogo/sio/socketio"
)

// errInvalidCredentials is the CONNECT_ERROR of a refused login; the UI
// shows its login form again on this exact message.
var errInvalidCredentials = &socketio.ConnectError{Message: "invalid credentials"}

// maxPasswordLength is bcrypt's limit: longer passwords are refused
// without hashing.
const maxPasswordLength = 72

// maxConcurrentHashes bounds the bcrypt comparisons running at once
// (each takes tens of milliseconds of CPU), so that a flood of logins
// costs at most that many cores; the others wait for their turn, within
// their CONNECT's timeout.
const maxConcurrentHashes = 2

// loginAuth is the CONNECT payload of the UI: a session id, or a user
// name and password.
type loginAuth struct {
	SessionID string `json:"sessionId"`
	Username  string `json:"username"`
	Password  string `json:"password"`
}

// sessions remembers the ids of the logins made, at most max of them,
// each for ttl.
type sessions struct {
	max int
	ttl time.Duration

	mu    sync.Mutex           // guards ids and order
	ids   map[string]time.Time // expiry of each session id
	order []string             // ids, oldest first (may hold forgotten ones)
}

func newSessions(max int, ttl time.Duration) *sessions {
	return &sessions{max: max, ttl: ttl, ids: make(map[string]time.Time)}
}

// add makes and remembers a new session id.
func (ss *sessions) add() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	now := time.Now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for len(ss.ids) >= ss.max && len(ss.order) > 0 {
		delete(ss.ids, ss.order[0])
		ss.order = ss.order[1:]
	}
	if len(ss.order) > 2*ss.max {
		// Drop the forgotten ids kept in order by expiry or eviction.
		kept := make([]string, 0, len(ss.ids))
		for _, o := range ss.order {
			if _, ok := ss.ids[o]; ok {
				kept = append(kept, o)
			}
		}
		ss.order = kept
	}
	ss.ids[id] = now.Add(ss.ttl)
	ss.order = append(ss.order, id)
	return id
}

// valid reports whether id is a remembered, unexpired session id.
func (ss *sessions) valid(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	exp, ok := ss.ids[id]
	if ok && time.Now().After(exp) {
		delete(ss.ids, id)
		return false
	}
	return ok
}

// authenticator checks the UI's logins against a BasicAuth.
type authenticator struct {
	auth     BasicAuth
	sessions *sessions
	hashing  chan struct{} // a token per running bcrypt comparison
}

func newAuthenticator(a BasicAuth, ss *sessions) *authenticator {
	return &authenticator{auth: a, sessions: ss, hashing: make(chan struct{}, maxConcurrentHashes)}
}

// login checks a CONNECT's auth payload: it returns the new session id to
// send to the UI ("" when it came with a valid one), or
// errInvalidCredentials.
func (au *authenticator) login(ctx context.Context, raw []byte) (string, error) {
	var la loginAuth
	if len(raw) == 0 || json.Unmarshal(raw, &la) != nil {
		return "", errInvalidCredentials
	}
	if la.SessionID != "" && au.sessions.valid(la.SessionID) {
		return "", nil
	}
	if la.Username == "" || len(la.Username) > DefaultMaxNameLength || len(la.Password) > maxPasswordLength {
		return "", errInvalidCredentials
	}
	select {
	case au.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", errInvalidCredentials
	}
	// The hash is compared whatever the user name, so that the time taken
	// does not tell whether the name exists.
	pwErr := bcrypt.CompareHashAndPassword([]byte(au.auth.PasswordHash), []byte(la.Password))
	<-au.hashing
	userOK := subtle.ConstantTimeCompare([]byte(la.Username), []byte(au.auth.Username)) == 1
	if pwErr != nil || !userOK {
		return "", errInvalidCredentials
	}
	return au.sessions.add(), nil
}

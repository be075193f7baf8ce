package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/module"
)

// The documentation tests run the code of the Markdown files in scratch
// modules that require github.com/siogo/sio through a replace directive
// pointing at this repository, and resolve everything else offline, so that
// they pass wherever building sio does and make no network call of their
// own:
//
//   - The module cache is filled first by `go mod download` in this
//     repository, run with the caller's environment (GOPROXY...): the same
//     downloads that building and testing sio make, and none when they have
//     been made (make test's go vet has made them).
//   - The scratch modules require nothing but sio, so their module graph is
//     sio's (same requirements, same versions), and their go.sum is seeded
//     with this repository's go.sum: every module and go.mod file they use
//     is checked against the checksums that sio's own build checks.
//   - Their Go commands take modules from a module proxy in a local folder
//     (GOPROXY=file://…) that serves exactly the module versions of this
//     repository's go.sum, from the module cache: a documented `go mod
//     tidy` may look a package's module up (a test dependency of a tool's
//     dependency, say), and a lookup needs a proxy, not only a cache. The
//     modules of go.sum are downloaded into the cache first, checked by
//     sio's go.sum.
//   - GOSUMDB=off: with a file proxy the go command would ask the checksum
//     database (sum.golang.org) directly for any checksum go.sum lacks: a
//     network call that many networks block and that the set-up never
//     makes. GOSUMDB=off turns that call off, but no check: go.sum still
//     verifies every module, and checkGoSum fails the test when a scratch
//     go.sum gains a line that is not in this repository's go.sum, i.e. a
//     checksum nothing verified.

// block is one fenced code block of a Markdown file and the HTML comment
// right before it (its marker), e.g. <!-- file: main.go -->.
type block struct {
	line   int    // of the opening fence
	lang   string // info string's first word
	marker string // comment's text, trimmed; "" when none
	body   string
}

var markerRE = regexp.MustCompile(`^<!--\s*(.*?)\s*-->$`)

// readBlocks returns the fenced code blocks of a Markdown file.
func readBlocks(t *testing.T, path string) []block {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		blocks  []block
		cur     *block
		body    strings.Builder
		pending string // marker seen on the previous non-blank line
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if cur != nil {
			if strings.TrimSpace(line) == "```" {
				cur.body = body.String()
				blocks = append(blocks, *cur)
				cur = nil
				continue
			}
			body.WriteString(line)
			body.WriteByte('\n')
			continue
		}
		switch {
		case strings.HasPrefix(line, "```"):
			lang, _, _ := strings.Cut(strings.TrimPrefix(line, "```"), " ")
			cur = &block{line: n, lang: lang, marker: pending}
			body.Reset()
			pending = ""
		case markerRE.MatchString(strings.TrimSpace(line)):
			pending = markerRE.FindStringSubmatch(strings.TrimSpace(line))[1]
		case strings.TrimSpace(line) != "":
			pending = ""
		}
	}
	if cur != nil {
		t.Fatalf("%s:%d: unclosed code block", path, cur.line)
	}
	return blocks
}

// repoRoot is the repository's root folder.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// goEnv is the environment of the Go commands run in scratch modules: offline,
// as the comment at the top of this file explains. Before fillModCache has
// made the local proxy, no module can be looked up at all.
func goEnv() []string {
	proxy := "off"
	if modDownload.proxy != "" {
		proxy = "file://" + filepath.ToSlash(modDownload.proxy)
	}
	return append(os.Environ(), "GOPROXY="+proxy, "GOSUMDB=off", "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
}

// modDownload is what fillModCache did, once per test binary.
var modDownload struct {
	once  sync.Once
	err   error
	out   []byte
	proxy string // the local proxy's folder; removed by TestMain
}

// fillModCache downloads, once per test binary and with the caller's
// environment, the modules of this repository's build (`go mod download`)
// and every module version whose content go.sum vouches for, then makes the
// local module proxy the scratch modules use (see the comment at the top of
// this file). Nothing is fetched when the module cache holds them.
func fillModCache(t *testing.T) {
	t.Helper()
	modDownload.once.Do(func() {
		modDownload.err = func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			mods := goSumModules(readGoSum(t, repoRoot(t)))
			var zips []string
			for _, m := range mods {
				if m.zip {
					zips = append(zips, m.path+"@"+m.version)
				}
			}
			for _, args := range [][]string{{"mod", "download"}, append([]string{"mod", "download"}, zips...)} {
				cmd := exec.CommandContext(ctx, "go", args...)
				cmd.Dir = repoRoot(t)
				cmd.WaitDelay = 5 * time.Second
				out, err := cmd.CombinedOutput()
				modDownload.out = append(modDownload.out, out...)
				if err != nil {
					return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
				}
			}
			dir, err := os.MkdirTemp("", "sio-docs-proxy-")
			if err != nil {
				return err
			}
			modDownload.proxy = dir
			return makeProxy(dir, goModCache(t), mods)
		}()
	})
	if modDownload.err != nil {
		t.Fatalf("filling the module cache (in %s): %v\n%s", repoRoot(t), modDownload.err, modDownload.out)
	}
}

// sumModule is one module version of a go.sum; zip reports whether go.sum
// holds the checksum of its content, not only of its go.mod file.
type sumModule struct {
	path, version string
	zip           bool
}

// goSumModules returns the module versions of a go.sum, sorted.
func goSumModules(sum string) []sumModule {
	byKey := map[string]*sumModule{}
	var keys []string
	for _, line := range strings.Split(sum, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		version, modOnly := strings.CutSuffix(f[1], "/go.mod")
		key := f[0] + "@" + version
		m := byKey[key]
		if m == nil {
			m = &sumModule{path: f[0], version: version}
			byKey[key] = m
			keys = append(keys, key)
		}
		m.zip = m.zip || !modOnly
	}
	sort.Strings(keys)
	mods := make([]sumModule, len(keys))
	for i, k := range keys {
		mods[i] = *byKey[k]
	}
	return mods
}

// goModCache returns GOMODCACHE as the go command sees it.
func goModCache(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// makeProxy lays out, in dir, a module proxy (the GOPROXY protocol over
// file://) serving mods from the module cache's download folder: for each
// version its .info and .mod files, its .zip when go.sum vouches for its
// content, and a list of the versions per module.
func makeProxy(dir, modCache string, mods []sumModule) error {
	lists := map[string][]string{}
	for _, m := range mods {
		esc, err := module.EscapePath(m.path)
		if err != nil {
			return err
		}
		ver, err := module.EscapeVersion(m.version)
		if err != nil {
			return err
		}
		src := filepath.Join(modCache, "cache", "download", filepath.FromSlash(esc), "@v")
		dst := filepath.Join(dir, filepath.FromSlash(esc), "@v")
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		exts := []string{".info", ".mod"}
		if m.zip {
			exts = append(exts, ".zip")
		}
		for _, ext := range exts {
			if err := os.Symlink(filepath.Join(src, ver+ext), filepath.Join(dst, ver+ext)); err != nil {
				return err
			}
		}
		lists[dst] = append(lists[dst], m.version)
	}
	for dst, versions := range lists {
		if err := os.WriteFile(filepath.Join(dst, "list"), []byte(strings.Join(versions, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// addReplace points github.com/siogo/sio at this repository in the go.mod
// of dir and seeds its go.sum with this repository's, once; when the test
// ends, checkGoSum checks the go.sum.
func addReplace(t *testing.T, dir string) {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || bytes.Contains(gomod, []byte("github.com/siogo/sio =>")) {
		return
	}
	run(t, dir, "go", "mod", "edit", "-replace", "github.com/siogo/sio="+repoRoot(t))
	seedGoSum(t, dir)
}

// cloneRE matches the documented clone of sio; its group is the destination.
var cloneRE = regexp.MustCompile(`(?m)^git clone https://github\.com/siogo/sio (\S+)$`)

// seedGoSum fills the module cache and seeds the go.sum of the scratch
// module in dir with this repository's, checking at the end of the test
// that nothing unverified was added (see the comment at the top of this
// file).
func seedGoSum(t *testing.T, dir string) {
	t.Helper()
	fillModCache(t)
	sum := readGoSum(t, repoRoot(t))
	old := readGoSum(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(old+sum), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { checkGoSum(t, dir, sum) })
}

// readGoSum returns the go.sum of the module in dir, "" when it has none.
func readGoSum(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return string(data)
}

// checkGoSum fails the test when the go.sum of dir holds a line that is not
// in want (this repository's go.sum): a checksum the go command took from
// the module cache without a check, since the scratch modules run with
// GOSUMDB=off.
func checkGoSum(t *testing.T, dir, want string) {
	t.Helper()
	known := map[string]bool{}
	for _, line := range strings.Split(want, "\n") {
		known[line] = true
	}
	for _, line := range strings.Split(readGoSum(t, dir), "\n") {
		if !known[line] {
			t.Errorf("%s/go.sum: %q is not in sio's go.sum: the scratch module used a module or go.mod file that sio's go.sum does not vouch for", dir, line)
		}
	}
}

// run runs a command in dir with goEnv and returns its combined output; the
// test fails when it fails.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// background is a process started by a "run: background" block: its
// process group is killed when the test ends.
type background struct {
	cmd   *exec.Cmd
	wrote chan struct{} // signaled (capacity 1) after each write
	mu    sync.Mutex
	out   bytes.Buffer
}

func (b *background) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case b.wrote <- struct{}{}:
	default:
	}
	return b.out.Write(p)
}

func (b *background) output() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.String()
}

// TestGettingStarted runs docs/getting-started.md: every sh block marked
// <!-- run --> as a bash script (the working directory carries over from
// one block to the next), <!-- run: background --> blocks as servers, every
// <!-- file: NAME --> block written to NAME, and every <!-- output --> block
// compared with the output of the command before it. The server's address
// is 127.0.0.1:0 (ADDR), and the URL it prints replaces
// http://127.0.0.1:8000 in later commands.
func TestGettingStarted(t *testing.T) {
	requireTools(t, "go", "bash", "node", "npm")
	const docURL = "http://127.0.0.1:8000"
	blocks := readBlocks(t, filepath.Join("..", "docs", "getting-started.md"))
	root := t.TempDir()
	cwd := root
	url := docURL
	var last string // output of the last foreground command, or the server's first line
	var servers []*background
	defer func() {
		for _, s := range servers {
			// The bash started with Setpgid leads its own group: end it
			// and what it started (go run and the built program).
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			_ = s.cmd.Wait()
		}
	}()

	ran := 0
	for _, b := range blocks {
		where := fmt.Sprintf("getting-started.md:%d", b.line)
		switch {
		case strings.HasPrefix(b.marker, "file: "):
			name := strings.TrimPrefix(b.marker, "file: ")
			if err := os.WriteFile(filepath.Join(cwd, name), []byte(b.body), 0o644); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case b.marker == "run: clone":
			// The page clones sio next to the module; the test links this
			// repository there instead (it makes no network call) and
			// seeds go.sum as the comment at the top of this file says.
			script := cloneRE.ReplaceAllString(b.body, "ln -s "+repoRoot(t)+" $1")
			if script == b.body {
				t.Fatalf("%s: a clone block without a git clone of sio", where)
			}
			out, dir := runScript(t, where, cwd, script+"\npwd >&3\n")
			last, cwd = out, dir
			seedGoSum(t, cwd)
			ran++
		case b.marker == "run":
			script := strings.ReplaceAll(b.body, docURL, url) + "\npwd >&3\n"
			out, dir := runScript(t, where, cwd, script)
			last, cwd = out, dir
			ran++
		case b.marker == "run: background":
			s := startServer(t, where, cwd, b.body)
			servers = append(servers, s)
			last = waitLine(t, where, s, regexp.MustCompile(`listening on (http://\S+)`))
			url = regexp.MustCompile(`http://\S+`).FindString(last)
			last = strings.Replace(last, url, docURL, 1) + "\n" // as the doc shows it
			ran++
		case b.marker == "output":
			if strings.TrimSpace(last) != strings.TrimSpace(b.body) {
				t.Fatalf("%s: output\n%s\nwant (as the doc shows)\n%s", where, last, b.body)
			}
		case b.lang == "go" || b.lang == "sh" || b.lang == "js":
			t.Fatalf("%s: %s block without a test marker (run, run: background, file: NAME, output)", where, b.lang)
		}
	}
	if ran < 5 || len(servers) != 1 {
		t.Fatalf("ran %d command blocks and %d servers; the page has more", ran, len(servers))
	}
	// What the page says the server logs.
	log := waitLine(t, "server log", servers[0], regexp.MustCompile(`ada disconnected: client namespace disconnect`))
	if !strings.Contains(servers[0].output(), "ada connected (socket ") {
		t.Errorf("server log lacks the connection:\n%s", servers[0].output())
	}
	t.Logf("server: %s", log)
}

// runScript runs a bash script in dir; the script writes its final working
// directory to fd 3.
func runScript(t *testing.T, where, dir, script string) (out, newDir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = goEnv()
	cmd.ExtraFiles = []*os.File{pw}
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	pw.Close()
	if err != nil {
		t.Fatalf("%s: %v\n%s\nstdout:\n%s\nstderr:\n%s", where, err, script, stdout.String(), stderr.String())
	}
	var wd bytes.Buffer
	_, _ = wd.ReadFrom(pr)
	return stdout.String(), strings.TrimSpace(wd.String())
}

func startServer(t *testing.T, where, dir, script string) *background {
	t.Helper()
	b := &background{wrote: make(chan struct{}, 1)}
	b.cmd = exec.Command("bash", "-euo", "pipefail", "-c", script)
	b.cmd.Dir = dir
	b.cmd.Env = append(goEnv(), "ADDR=127.0.0.1:0")
	b.cmd.Stdout, b.cmd.Stderr = b, b
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	return b
}

// waitLine waits up to two minutes (the first go run compiles) for a line
// of s's output matching re and returns it.
func waitLine(t *testing.T, where string, s *background, re *regexp.Regexp) string {
	t.Helper()
	timeout := time.NewTimer(2 * time.Minute)
	defer timeout.Stop()
	for {
		for _, line := range strings.Split(s.output(), "\n") {
			if re.MatchString(line) {
				return line
			}
		}
		select {
		case <-s.wrote:
		case <-timeout.C:
			t.Fatalf("%s: no line matching %s within 2 minutes; output:\n%s", where, re, s.output())
		}
	}
}

// requireTools skips the test, or fails it when CI=true, when a command is
// missing.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("e2e: %s is not on PATH", n)
			}
			t.Skipf("e2e: %s is not on PATH", n)
		}
	}
}

// snippetImports are the imports the compiled snippets of the docs may
// use; they are not shown in the docs. The blank uses keep the compiler
// quiet about the ones a group does not need.
const snippetImports = `import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
)

var (
	_ context.Context
	_ json.RawMessage
	_ = errors.New
	_ = fmt.Sprint
	_ *slog.Logger
	_ http.Handler
	_ = os.Exit
	_ = strings.Cut
	_ sync.Mutex
	_ engineio.Options
	_ time.Duration
	_ socketio.Args
)
`

// scratchModule writes a module requiring sio (replaced by this repository)
// with siogen as a tool, and returns its folder.
func scratchModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	run(t, dir, "go", "mod", "init", "example.com/docs")
	addReplace(t, dir)
	run(t, dir, "go", "get", "-tool", "github.com/siogo/sio/cmd/siogen")
	return dir
}

// docsWithSnippets are the documents whose Go blocks TestDocSnippets
// compiles.
var docsWithSnippets = []string{"consumers.md", "operations.md", "migrating.md", "limits.md"}

// TestDocSnippets compiles the Go snippets of the guides: in each document,
// the blocks marked <!-- compile: GROUP --> of one group, in order, form one
// package, which siogen generates for and go vet checks. Every Go block must
// be in a group.
func TestDocSnippets(t *testing.T) {
	requireTools(t, "go")
	groups := map[string]*strings.Builder{}
	for _, doc := range docsWithSnippets {
		base := strings.TrimSuffix(doc, ".md")
		n := 0
		for _, b := range readBlocks(t, filepath.Join("..", "docs", doc)) {
			if b.lang != "go" {
				continue
			}
			group, ok := strings.CutPrefix(b.marker, "compile: ")
			if !ok {
				t.Fatalf("%s:%d: Go block without <!-- compile: GROUP -->", doc, b.line)
			}
			pkg := base + "_" + group
			if groups[pkg] == nil {
				groups[pkg] = &strings.Builder{}
			}
			fmt.Fprintf(groups[pkg], "// %s:%d\n%s\n", doc, b.line, b.body)
			n++
		}
		if n == 0 {
			t.Errorf("%s has no Go snippets", doc)
		}
	}
	dir := scratchModule(t)
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		pkg := filepath.Join(dir, g)
		if err := os.Mkdir(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		src := "package " + g + "\n\n" + snippetImports + "\n" + groups[g].String()
		if err := os.WriteFile(filepath.Join(pkg, "guide.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, dir, "go", "tool", "siogen", "./...")
	run(t, dir, "go", "vet", "./...")
	for _, g := range names {
		if !strings.Contains(groups[g].String(), "//sio:consumer") {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, g, "sio_gen.go")); err != nil {
			t.Errorf("%s: siogen wrote no sio_gen.go: %v", g, err)
		}
	}
}

// TestReadmeExample generates and builds the example of README.md.
func TestReadmeExample(t *testing.T) {
	requireTools(t, "go")
	var src string
	for _, b := range readBlocks(t, filepath.Join("..", "README.md")) {
		if b.lang == "go" {
			src = b.body
			break
		}
	}
	if !strings.Contains(src, "//sio:consumer") {
		t.Fatalf("README.md's first Go block is not the consumer example:\n%s", src)
	}
	dir := scratchModule(t)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "go", "generate", "./...")
	run(t, dir, "go", "vet", "./...")
	if out := run(t, dir, "go", "tool", "siogen", "-check", "./..."); strings.TrimSpace(out) != "" {
		t.Errorf("siogen -check after go generate:\n%s", out)
	}
}

// TestNoStaleLines checks that sentences found out of date do not come back:
// each names a file and a phrase that contradicts what the repository has.
func TestNoStaleLines(t *testing.T) {
	tests := []struct {
		file, phrase, why string
	}{
		{"README.md", "does not have yet", "sio has the Redis adapter"},
		{"README.md", "across processes needs an adapter", "the Redis adapter carries them across processes"},
		{"docs/migrating.md", "does not have yet", "sio has the Redis adapter"},
		{"docs/migrating.md", "not finished in sio", "sio has the Redis adapter"},
		{"socketio/doc.go", "(Redis, later)", "package redisadapter exists"},
		{"docs/design.md", "calls the session's message callback on the reading goroutine", "socketio uses OnMessageBlocking and queues events per socket"},
		{"docs/socketio.md", "a slow handler never delays them", "acknowledgements wait while the socket's queue is full"},
		{"docs/socketio.md", "heartbeats are engineio's and\n  never wait for handlers", "pongs wait behind a full queue"},
	}
	root := repoRoot(t)
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.phrase, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(root, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(tt.phrase)) {
				t.Errorf("%s still says %q, but %s", tt.file, tt.phrase, tt.why)
			}
		})
	}
}

// TestLicenseAndChangelog checks that the repository carries its license and
// a changelog in the Keep a Changelog form, and that the README links both.
func TestLicenseAndChangelog(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"LICENSE", []string{"MIT License", "Copyright (c) 2026 The sio authors"}},
		{"CHANGELOG.md", []string{"# Changelog", "Keep a Changelog", "## [Unreleased]", "v0.1.0", "not tagged or published yet"}},
		{"README.md", []string{"](CHANGELOG.md)", "](LICENSE)"}},
	}
	root := repoRoot(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(root, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !bytes.Contains(b, []byte(w)) {
					t.Errorf("%s does not contain %q", tt.file, w)
				}
			}
		})
	}
}

package metrics_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/siogo/sio/socketio/metrics"
)

var update = flag.Bool("update", false, "rewrite the metric table of docs/observability.md")

const (
	tableBegin = "<!-- metrics:begin (generated from metrics.Definitions by go test ./socketio/metrics -update) -->\n"
	tableEnd   = "<!-- metrics:end -->\n"
)

// table renders the metric list of docs/observability.md.
func table() string {
	var b strings.Builder
	b.WriteString("| Metric | Type | Labels | Meaning |\n| --- | --- | --- | --- |\n")
	for _, d := range metrics.Definitions() {
		labels := "—"
		if len(d.Labels) > 0 {
			labels = "`" + strings.Join(d.Labels, "`, `") + "`"
		}
		b.WriteString("| `socketio_" + d.Name + "` | " + string(d.Type) + " | " + labels + " | " + strings.ReplaceAll(d.Help, "|", `\|`) + " |\n")
	}
	return b.String()
}

// TestDocsListTheMetrics checks that docs/observability.md lists exactly
// the metrics New registers, so that the list cannot drift.
func TestDocsListTheMetrics(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "observability.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, tableBegin), strings.Index(s, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q ... %q section", path, tableBegin, tableEnd)
	}
	want := s[:i+len(tableBegin)] + table() + s[j:]
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if s != want {
		t.Errorf("%s: the metric table is not that of metrics.Definitions; run go test ./socketio/metrics -update", path)
	}
}

// TestDefinitionsAreRegistered checks that New registers one collector per
// definition, with its name, and nothing else.
func TestDefinitionsAreRegistered(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	if _, err := metrics.New(reg, &metrics.Options{Prefix: "x", ConstLabels: prometheus.Labels{"server": "a"}}); err != nil {
		t.Fatal(err)
	}
	for _, d := range metrics.Definitions() {
		t.Run(d.Name, func(t *testing.T) {
			// Registering the same name again must collide.
			c := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "x_" + d.Name, Help: d.Help, ConstLabels: prometheus.Labels{"server": "a"}}, d.Labels)
			if err := reg.Register(c); err == nil {
				t.Errorf("x_%s was not registered by New", d.Name)
			}
		})
	}
	if _, err := metrics.New(reg, &metrics.Options{Prefix: "x"}); err == nil {
		t.Error("a second New on the same registry and prefix did not fail")
	}
}

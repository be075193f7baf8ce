package loadgen

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Results are the measurements of a run: for each metric and peer, one
// value per round.
type Results struct {
	// Peers are the names of the peers, in the order they ran.
	Peers []string
	// values[m][peer] are the values of m, in round order.
	values map[*Metric]map[string][]float64
}

func (r *Results) add(peer string, vals []Value) {
	for _, v := range vals {
		m := r.values[v.Metric]
		if m == nil {
			m = make(map[string][]float64)
			r.values[v.Metric] = m
		}
		m[peer] = append(m[peer], v.V)
	}
}

// Values returns the values of m measured on peer, one per round.
func (r *Results) Values(m *Metric, peer string) []float64 {
	return slices.Clone(r.values[m][peer])
}

// Markdown writes the results as two Markdown tables, the measurements then
// the CPU load of server and generator: a column per peer (Node first),
// each cell the median of the rounds and, with more than one round, their
// range; with both "node" and "sio", a last column is the ratio of sio's
// median to Node's.
func (r *Results) Markdown(w io.Writer) error {
	cols := slices.Clone(r.Peers)
	if i := slices.Index(cols, "node"); i > 0 {
		cols = slices.Insert(slices.Delete(cols, i, i+1), 0, "node")
	}
	ratio := slices.Contains(cols, "node") && slices.Contains(cols, "sio")
	var b strings.Builder
	for _, sanity := range []bool{false, true} {
		var rows []*Metric
		for _, m := range allMetrics {
			if m.Sanity == sanity && r.values[m] != nil {
				rows = append(rows, m)
			}
		}
		if len(rows) == 0 {
			continue
		}
		if sanity {
			b.WriteString("\n")
		}
		b.WriteString("| |")
		for _, c := range cols {
			fmt.Fprintf(&b, " %s |", displayName(c))
		}
		if ratio && !sanity {
			b.WriteString(" sio/Node |")
		}
		b.WriteString("\n|---|")
		for range cols {
			b.WriteString("---|")
		}
		if ratio && !sanity {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, m := range rows {
			fmt.Fprintf(&b, "| %s |", m.Name)
			for _, c := range cols {
				fmt.Fprintf(&b, " %s |", cell(m, r.values[m][c]))
			}
			if ratio && !sanity {
				s, n := r.values[m]["sio"], r.values[m]["node"]
				if len(s) > 0 && len(n) > 0 && median(n) != 0 {
					fmt.Fprintf(&b, " %.2f× |", median(s)/median(n))
				} else {
					b.WriteString(" |")
				}
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func displayName(peer string) string {
	if peer == "node" {
		return "Node"
	}
	return peer
}

// cell formats the median of vs and, for more than one value, their range.
func cell(m *Metric, vs []float64) string {
	switch len(vs) {
	case 0:
		return "–"
	case 1:
		return m.Format(vs[0])
	}
	return fmt.Sprintf("%s [%s–%s]", m.Format(median(vs)), m.Format(slices.Min(vs)), m.Format(slices.Max(vs)))
}

// median returns the median of vs (the mean of the middle two for an even
// count); vs is not modified.
func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// formatRate formats a rate with a k or M suffix.
func formatRate(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// format3 formats v with about three significant digits.
func format3(v float64) string {
	switch {
	case v >= 100 || v <= -100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10 || v <= -10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func formatPercent(v float64) string { return fmt.Sprintf("%.0f%%", v) }

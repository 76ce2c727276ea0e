package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// printGraph writes the job graph that --dry-run shows: per composite scope, in the order the
// pipeline was built, its transforms (DoFn, combine or primitive) with how many elements streams go
// in and out. It builds the graph only; nothing runs.
func printGraph(w io.Writer, p *beam.Pipeline) error {
	edges, nodes, err := p.Build()
	if err != nil {
		return fmt.Errorf("build the job graph: %w", err)
	}
	fmt.Fprintf(w, "job graph: %d transforms, %d collections\n", len(edges), len(nodes))
	last := ""
	for _, e := range edges {
		scope := strings.TrimPrefix(e.Scope().String(), "root/")
		if scope != last {
			fmt.Fprintf(w, "%s\n", scope)
			last = scope
		}
		name := e.Name()
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		fmt.Fprintf(w, "    %-9s %-50s in %d, out %d\n", e.Op, name, len(e.Input), len(e.Output))
	}
	return nil
}

package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// refusedBeamFlags are Beam's flags that make a runner return before the job has run (a dry run,
// an asynchronous submission, a template written instead of a job). The nightly checks a night and
// publishes it only once the job finished, so it refuses them.
var refusedBeamFlags = []string{"dry_run", "async", "execute_async", "template_location"}

// refuseBeamFlags fails when one of refusedBeamFlags is set, before anything is read or written.
func refuseBeamFlags(fs *flag.FlagSet) error {
	var set []string
	fs.Visit(func(f *flag.Flag) {
		for _, name := range refusedBeamFlags {
			if f.Name == name {
				set = append(set, "--"+name)
			}
		}
	})
	if len(set) == 0 {
		return nil
	}
	return fmt.Errorf("%s: the runner would return before the job has run, and the nightly "+
		"publishes a night only once it has finished and passed its checks (--dry-run prints the "+
		"job graph)", strings.Join(set, ", "))
}

// usage prints the job's own flags first, then Beam's, which every Beam program registers.
func usage(fs *flag.FlagSet, own map[string]bool, w io.Writer) {
	fmt.Fprintf(w, "usage: nightly [flags]\n\nThe job's flags:\n")
	printFlags(fs, w, func(name string) bool { return own[name] })
	fmt.Fprintf(w, "\nBeam's flags (runner, job and worker options):\n")
	printFlags(fs, w, func(name string) bool { return !own[name] })
}

func printFlags(fs *flag.FlagSet, w io.Writer, keep func(string) bool) {
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if keep(f.Name) {
			names = append(names, f.Name)
		}
	})
	sort.Strings(names)
	for _, name := range names {
		f := fs.Lookup(name)
		kind, help := flag.UnquoteUsage(f)
		line := "  --" + name
		if kind != "" {
			line += " " + kind
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(help, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	}
}

// ownFlags names the flags registered by fn, which registers the job's flags.
func ownFlags(fs *flag.FlagSet, fn func()) map[string]bool {
	before := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { before[f.Name] = true })
	fn()
	own := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		if !before[f.Name] {
			own[f.Name] = true
		}
	})
	return own
}

// Package quietlog keeps a failed night's log readable. Why: when a bundle fails, Beam's SDK and
// the Prism runner log the error at several levels on its way up, and each record carries the
// failed stage's whole execution plan (tens of lines, 24 KB for one missing column), burying the
// one line that says what went wrong; the job's error repeats the plan again.
//
// Install cuts every log record to its first line (attributes too); Cause reduces
// a failed job's error to the DoFn's own message, which comes last after Beam's "caused by:".
package quietlog

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

// Install wraps the process's default slog logger, which the runner and the SDK log through, so
// that it cuts records to their first line. Call it after beam.Init, which sets that logger up
// (with Beam's --log_level and --log_kind).
func Install() {
	slog.SetDefault(slog.New(firstLines{next: slog.Default().Handler()}))
}

// firstLines passes records on with their message and attributes cut to the first line.
type firstLines struct {
	next slog.Handler
}

func (h firstLines) Enabled(
	ctx context.Context,
	l slog.Level,
) bool {
	return h.next.Enabled(ctx, l)
}

func (h firstLines) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, firstLine(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		if s := a.Value.String(); strings.Contains(s, "\n") {
			a = slog.String(a.Key, firstLine(s))
		}
		out.AddAttrs(a)
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h firstLines) WithAttrs(attrs []slog.Attr) slog.Handler {
	return firstLines{next: h.next.WithAttrs(attrs)}
}

func (h firstLines) WithGroup(name string) slog.Handler {
	return firstLines{next: h.next.WithGroup(name)}
}

// firstLine is s up to its first newline, with " …" when something was cut.
func firstLine(s string) string {
	if line, _, cut := strings.Cut(s, "\n"); cut {
		return line + " …"
	}
	return s
}

// doFnFailed is how Beam names the DoFn whose error follows.
var doFnFailed = regexp.MustCompile(`DoFn\[[^\]]*Name: ([^\]]+)\] failed:\s*`)

// Cause is the message of a failed job's error reduced to its cause: the text after Beam's last
// "caused by:", named after the DoFn that failed, on one line. A message without a cause is
// returned on one line.
func Cause(msg string) string {
	if i := strings.LastIndex(msg, "caused by:"); i >= 0 {
		msg = strings.TrimSpace(msg[i+len("caused by:"):])
		if m := doFnFailed.FindStringSubmatchIndex(msg); m != nil {
			name := msg[m[2]:m[3]]
			name = name[strings.LastIndex(name, "/")+1:]
			msg = "in " + name + ": " + msg[m[1]:]
		}
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ")), " ")
}

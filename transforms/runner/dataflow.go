package runner

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/gcpopts"
	dataflow "google.golang.org/api/dataflow/v1b3"
	"google.golang.org/api/option"
)

// finalStates are the states of a Dataflow job that has ended: it writes nothing more.
var finalStates = map[string]bool{
	"JOB_STATE_DONE": true, "JOB_STATE_FAILED": true, "JOB_STATE_CANCELLED": true,
	"JOB_STATE_UPDATED": true, "JOB_STATE_DRAINED": true,
}

// DataflowJobRunning asks Dataflow whether a job of the project and region of the flags
// (--project, --region, or their defaults) has not ended yet. It uses Google's generated client
// of the Dataflow API, which Beam's Dataflow runner uses too; opts are for tests.
func DataflowJobRunning(opts ...option.ClientOption) func(context.Context, string) (bool, error) {
	return func(ctx context.Context, jobID string) (bool, error) {
		svc, err := dataflow.NewService(ctx, opts...)
		if err != nil {
			return false, fmt.Errorf("dataflow client: %w", err)
		}
		project := gcpopts.GetProjectFromFlagOrEnvironment(ctx)
		region := gcpopts.GetRegion(ctx)
		job, err := svc.Projects.Locations.Jobs.Get(project, region, jobID).Context(ctx).Do()
		if err != nil {
			return false, fmt.Errorf("dataflow job %s in %s/%s: %w", jobID, project, region, err)
		}
		return !finalStates[job.CurrentState], nil
	}
}

// submitted is how Beam's Dataflow runner logs a job it has submitted.
const submitted = "Submitted job: "

// WatchSubmissions calls fn with the id of each job Beam's Dataflow runner submits from now on,
// read from the log line it writes then (the runner returns the id only once the job has ended).
func WatchSubmissions(fn func(jobID string)) {
	slog.SetDefault(slog.New(watcher{next: slog.Default().Handler(), fn: fn}))
}

// watcher passes every record on, and calls fn on those that announce a submitted job.
type watcher struct {
	next slog.Handler
	fn   func(string)
}

func (h watcher) Enabled(ctx context.Context, l slog.Level) bool {
	// The announcement is at INFO; a logger set quieter still lets the watcher see it.
	return l >= slog.LevelInfo || h.next.Enabled(ctx, l)
}

func (h watcher) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := strings.CutPrefix(r.Message, submitted); ok {
		h.fn(strings.TrimSpace(id))
	}
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h watcher) WithAttrs(attrs []slog.Attr) slog.Handler {
	return watcher{next: h.next.WithAttrs(attrs), fn: h.fn}
}

func (h watcher) WithGroup(name string) slog.Handler {
	return watcher{next: h.next.WithGroup(name), fn: h.fn}
}

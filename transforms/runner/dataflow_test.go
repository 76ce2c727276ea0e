package runner

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/gcpopts"
	"google.golang.org/api/option"
)

// TestDataflowJobRunning asks a fake Dataflow API about jobs in each state.
func TestDataflowJobRunning(t *testing.T) {
	states := map[string]string{"j-running": "JOB_STATE_RUNNING", "j-pending": "JOB_STATE_PENDING",
		"j-done": "JOB_STATE_DONE", "j-cancelled": "JOB_STATE_CANCELLED"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "/v1b3/projects/shop/locations/asia-east1/jobs/"
		id, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok || states[id] == "" {
			http.Error(w, `{"error": {"code": 404, "message": "no such job"}}`, 404)
			return
		}
		fmt.Fprintf(w, `{"id": %q, "currentState": %q}`, id, states[id])
	}))
	defer srv.Close()
	project, region := *gcpopts.Project, *gcpopts.Region
	*gcpopts.Project, *gcpopts.Region = "shop", "asia-east1"
	t.Cleanup(func() { *gcpopts.Project, *gcpopts.Region = project, region })
	running := DataflowJobRunning(option.WithEndpoint(srv.URL), option.WithoutAuthentication())
	for id, want := range map[string]bool{"j-running": true, "j-pending": true, "j-done": false,
		"j-cancelled": false} {
		got, err := running(context.Background(), id)
		if err != nil || got != want {
			t.Errorf("%s: running %v, %v; want %v", id, got, err, want)
		}
	}
	if _, err := running(context.Background(), "j-gone"); err == nil {
		t.Error("a job Dataflow does not know is not an error")
	}
}

// TestWatchSubmissions: the id in Beam's "Submitted job" line reaches the watcher, and the line
// still reaches the log.
func TestWatchSubmissions(t *testing.T) {
	saved := slog.Default()
	t.Cleanup(func() { slog.SetDefault(saved) })
	var log bytes.Buffer
	slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
	var ids []string
	WatchSubmissions(func(id string) { ids = append(ids, id) })
	slog.Info("Submitted job: 2026-12-08_01_00_00-42")
	slog.Info("Console: https://console.cloud.google.com/dataflow/jobs/r/2026-12-08_01_00_00-42")
	if len(ids) != 1 || ids[0] != "2026-12-08_01_00_00-42" {
		t.Errorf("watched ids %q", ids)
	}
	if !strings.Contains(log.String(), "Submitted job") || !strings.Contains(log.String(), "Console") {
		t.Errorf("the log lost lines:\n%s", log.String())
	}
}

package progress

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync"

	jobpb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/jobmanagement_v1"
	pipepb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/pipeline_v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// elementCount is the URN of the element count Beam keeps per collection.
const elementCount = "beam:metric:element_count:v1"

// JobService is a Probe that asks a Beam job service (Prism's, in this process or standalone;
// Flink's and Spark's job servers speak the same API) about its running job: the element counts
// of its collections, summed, and the step whose output grew most since the last call.
func JobService(endpoint string) Probe {
	w := &watcher{endpoint: endpoint}
	return w.sample
}

// watcher keeps the connection, the running job's pipeline and the last counts between samples.
type watcher struct {
	endpoint string

	mu       sync.Mutex
	client   jobpb.JobServiceClient
	job      string
	producer map[string]string // collection id to the name of the step that makes it
	last     map[string]int64  // collection id to its count at the last sample
}

func (w *watcher) sample(ctx context.Context) (Sample, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.client == nil {
		// A job's pipeline (its DoFns serialized) is read once per job, and is larger than
		// gRPC's default 4 MiB for a message received.
		conn, err := grpc.NewClient(w.endpoint,
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(math.MaxInt32)))
		if err != nil {
			return Sample{}, fmt.Errorf("job service %s: %w", w.endpoint, err)
		}
		w.client = jobpb.NewJobServiceClient(conn)
	}
	if err := w.follow(ctx); err != nil {
		return Sample{}, err
	}
	if w.job == "" {
		return Sample{}, nil
	}
	resp, err := w.client.GetJobMetrics(ctx, &jobpb.GetJobMetricsRequest{JobId: w.job})
	if err != nil {
		return Sample{}, fmt.Errorf("job metrics: %w", err)
	}
	counts := collectionCounts(resp.GetMetrics().GetAttempted())
	var s Sample
	var most int64
	for id, n := range counts {
		s.Elements += n
		grew, name := n-w.last[id], w.producer[id]
		if grew > most || (grew == most && grew > 0 && name < s.Busiest) {
			most, s.Busiest = grew, name
		}
	}
	w.last = counts
	return s, nil
}

// follow finds the job that runs now (the last one started, when several have: a job in phases
// runs one pipeline after another) and reads its pipeline once.
func (w *watcher) follow(ctx context.Context) error {
	jobs, err := w.client.GetJobs(ctx, &jobpb.GetJobsRequest{})
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	running := ""
	for _, j := range jobs.GetJobInfo() {
		if j.GetState() == jobpb.JobState_RUNNING && j.GetJobId() > running {
			running = j.GetJobId()
		}
	}
	if running == "" || running == w.job {
		return nil
	}
	p, err := w.client.GetPipeline(ctx, &jobpb.GetJobPipelineRequest{JobId: running})
	if err != nil {
		return fmt.Errorf("pipeline of job %s: %w", running, err)
	}
	w.job, w.producer, w.last = running, producers(p.GetPipeline()), nil
	return nil
}

// producers maps each collection to the innermost step that outputs it, its name cut to the
// first two levels of composites ("clean.Validate.events/...").
func producers(p *pipepb.Pipeline) map[string]string {
	m := map[string]string{}
	for _, t := range p.GetComponents().GetTransforms() {
		if len(t.GetSubtransforms()) > 0 {
			continue
		}
		name := t.GetUniqueName()
		if parts := strings.SplitN(name, "/", 3); len(parts) == 3 {
			name = parts[0] + "/" + parts[1]
		}
		for _, pc := range t.GetOutputs() {
			m[pc] = name
		}
	}
	return m
}

// collectionCounts reads the element count of every collection from a job's monitoring infos.
func collectionCounts(infos []*pipepb.MonitoringInfo) map[string]int64 {
	counts := map[string]int64{}
	for _, mi := range infos {
		if mi.GetUrn() != elementCount {
			continue
		}
		// An int64 counter's payload is Beam's varint coding of the value.
		n, size := binary.Uvarint(mi.GetPayload())
		if size <= 0 {
			continue
		}
		counts[mi.GetLabels()["PCOLLECTION"]] += int64(n)
	}
	return counts
}

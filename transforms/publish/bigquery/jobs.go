package bigquery

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"
	"github.com/googleapis/gax-go/v2"
)

// jobID is the readable prefix of a job's id; the client appends a random suffix, since BigQuery
// never reuses an id and a rerun must not collide with the first run.
func jobID(date, table, step string) bigquery.JobIDConfig {
	return bigquery.JobIDConfig{
		JobID:          "portraits_" + strings.ReplaceAll(date, "-", "") + "_" + table + "_" + step,
		AddJobIDSuffix: true,
	}
}

// wait polls a job until it is done, pausing longer each time (gax's exponential backoff with
// jitter, from PollInitial up to PollMax), and turns a failed job into an error that names the
// table, the job and its location, and BigQuery's reasons.
func (p *publisher) wait(
	ctx context.Context,
	table string,
	job *bigquery.Job,
) (*bigquery.JobStatus, error) {
	bo := gax.Backoff{Initial: p.cfg.PollInitial, Max: p.cfg.PollMax, Multiplier: 2}
	status := job.LastStatus()
	for status == nil || !status.Done() {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf(
				"table %s: waiting for job %s (location %s): %w",
				table,
				job.ID(),
				job.Location(),
				ctx.Err(),
			)
		case <-time.After(bo.Pause()):
		}
		var err error
		if status, err = job.Status(ctx); err != nil {
			return nil, fmt.Errorf(
				"table %s: polling job %s (location %s): %w",
				table,
				job.ID(),
				job.Location(),
				err,
			)
		}
	}
	if err := status.Err(); err != nil {
		return nil, fmt.Errorf(
			"table %s: job %s (location %s) failed: %w%s",
			table,
			job.ID(),
			job.Location(),
			err,
			reasons(err, status.Errors),
		)
	}
	return status, nil
}

// reasons lists a failed job's further errors (a load lists one per bad file or row), at most five.
func reasons(main error, errs []*bigquery.Error) string {
	var b strings.Builder
	n := 0
	for _, e := range errs {
		if e.Error() == main.Error() {
			continue
		}
		if n == 5 {
			b.WriteString("; ...")
			break
		}
		b.WriteString("; ")
		b.WriteString(e.Error())
		n++
	}
	return b.String()
}

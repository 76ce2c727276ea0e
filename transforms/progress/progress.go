// Package progress prints a heartbeat while a job runs, so that a long night's log shows it is
// alive and where it is: every interval one line with the time elapsed, the elements the runner
// has counted so far, the step whose output grew most since the last line, and this process's
// memory. Short jobs print nothing; the first line comes after one interval.
package progress

import (
	"context"
	"fmt"
	"io"
	"runtime/metrics"
	"sync"
	"time"
)

// Sample is what a runner reports at one moment.
type Sample struct {
	// Elements is how many elements all the job's collections have received so far.
	Elements int64
	// Busiest is the step whose output grew most since the previous sample, "" when none did.
	Busiest string
}

// A Probe asks the runner for a Sample; nil reports nothing but time and memory.
type Probe func(ctx context.Context) (Sample, error)

// Start prints a line on w every interval until the returned stop is called; stop waits for a
// line being written. A probe that fails is named in the line and asked again next time. Other
// goroutines writing to w meanwhile must share a lock with it (Locked).
func Start(w io.Writer, every time.Duration, probe Probe) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				fmt.Fprintln(w, line(ctx, time.Since(start), probe))
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

// line is one heartbeat.
func line(ctx context.Context, elapsed time.Duration, probe Probe) string {
	s := fmt.Sprintf("progress: %s elapsed", elapsed.Round(time.Second))
	if probe != nil {
		sample, err := probe(ctx)
		switch {
		case err != nil:
			s += fmt.Sprintf(", runner not answering (%v)", err)
		default:
			s += fmt.Sprintf(", %d elements so far", sample.Elements)
			if sample.Busiest != "" {
				s += ", busiest " + sample.Busiest
			}
		}
	}
	return s + fmt.Sprintf(", memory %.2f GiB", float64(memory())/(1<<30))
}

// memory is the memory the Go runtime holds from the system for this process (the heap, stacks
// and its own structures): close to its resident size, and cheap to read.
func memory() uint64 {
	m := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return m[0].Value.Uint64()
}

// Locked returns a writer that passes each Write on to w under a lock, so that the heartbeat and
// the job's own lines can share w.
func Locked(w io.Writer) io.Writer { return &locked{w: w} }

type locked struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *locked) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

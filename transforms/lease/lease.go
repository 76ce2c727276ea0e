// Package lease lets one run at a time hold an output date. A lease is a small JSON record (host,
// pid or job id, run id, start and renewal times) created atomically where the run writes: a local
// folder, or an object on Cloud Storage. The holder renews it in the background while it runs; a
// lease not renewed for longer than the timeout is stale, as is one whose holder was a process of
// this host that has ended (a killed run), and the next run takes it over, again
// atomically, so that of two runs that try at once exactly one wins. The holder releases it at the
// end.
//
// Every change is a compare-and-swap on the lease's generation: on gs:// the object generation,
// with the preconditions DoesNotExist (ifGenerationMatch=0) to create and GenerationMatch to renew,
// take over and delete; locally a numbered file per generation in the lease's folder, each created
// exclusively (a hard link of a complete file, which fails as O_EXCL does when the name exists).
// Staleness is judged on the holder's renewal time against the local clock, so hosts that share an
// output must keep their clocks within a small part of the timeout of each other.
package lease

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Holder says who holds a lease.
type Holder struct {
	// Host and PID are the launching process's; Acquire fills them when empty.
	Host string `json:"host"`
	PID  int    `json:"pid,omitempty"`
	// JobID names the job that writes the output when it outlives its launcher (a Dataflow job):
	// the one to look at, or cancel, when its lease goes stale.
	JobID string `json:"job_id,omitempty"`
	RunID string `json:"run_id"`
	// Started is when the lease was acquired and Renewed when it was last renewed, in UTC; Acquire
	// sets both.
	Started time.Time `json:"started"`
	Renewed time.Time `json:"renewed"`
}

// String describes the holder for people: run, host, process or job, and times.
func (h Holder) String() string {
	who := fmt.Sprintf("run %s on host %s", h.RunID, h.Host)
	if h.PID != 0 {
		who += fmt.Sprintf(", pid %d", h.PID)
	}
	if h.JobID != "" {
		who += ", job " + h.JobID
	}
	return fmt.Sprintf(
		"%s, started %s, renewed %s",
		who,
		h.Started.Format(time.RFC3339),
		h.Renewed.Format(time.RFC3339),
	)
}

// HeldError is Acquire's error when another run holds a fresh lease on the path: worth retrying
// once that run has finished, or once its lease has gone stale.
type HeldError struct {
	Path    string
	Holder  Holder
	Timeout time.Duration
	// Age is how long ago the holder last renewed the lease.
	Age time.Duration
	// JobRunning says that the lease is stale but the job it names still runs.
	JobRunning bool
}

func (e *HeldError) Error() string {
	if e.JobRunning {
		return fmt.Sprintf("another run holds %s: %s (not renewed for %s, but job %s still "+
			"runs: cancel it, or wait for it)", e.Path, e.Holder, e.Age.Round(time.Second),
			e.Holder.JobID)
	}
	return fmt.Sprintf("another run holds %s: %s (%s ago; stale when not renewed for %s)",
		e.Path, e.Holder, e.Age.Round(time.Second), e.Timeout)
}

// LostError says that a lease went stale and another run took it over: the holder must not
// publish what it wrote.
type LostError struct {
	Path string
	// Holder is the run that holds the lease now, when known.
	Holder *Holder
}

func (e *LostError) Error() string {
	msg := fmt.Sprintf(
		"lease %s lost: it was not renewed in time and another run took it over",
		e.Path,
	)
	if e.Holder != nil {
		msg += " (" + e.Holder.String() + ")"
	}
	return msg
}

// Lease is a held lease, renewed in the background until Release.
type Lease struct {
	path    string
	store   store
	timeout time.Duration
	stop    context.CancelFunc
	done    chan struct{}

	mu     sync.Mutex
	holder Holder
	gen    int64
	err    error // the LostError once the lease is lost
}

// record is what a lease's generation holds: the holder, or a released lease (local tombstones).
type record struct {
	Holder
	Released bool `json:"released,omitempty"`
}

// Path is the lease of one output date: OUTPUT/_leases/dt=DATE, beside the dates' folders.
func Path(output, date string) string {
	return strings.TrimRight(output, "/") + "/_leases/dt=" + date
}

// A JobChecker says whether a job still runs. A job can outlive the process that launched it (a
// Dataflow job goes on when its launcher is killed), so a lease that names a job (Holder.JobID,
// Lease.SetJob) is not taken over while its job runs, however stale its renewals.
type JobChecker func(ctx context.Context, jobID string) (running bool, err error)

// An Option changes how Acquire takes a lease.
type Option func(*options)

type options struct{ running JobChecker }

// WithJobChecker makes Acquire ask running about the job of a lease it would take over.
func WithJobChecker(running JobChecker) Option {
	return func(o *options) { o.running = running }
}

// Acquire takes the lease at path for holder, when it is free, released or stale (not renewed for
// longer than timeout, and its job, if it names one and a JobChecker is given, no longer running),
// and renews it every third of timeout until Release. When another run holds it, the error is a
// *HeldError naming that run. path is a local folder or a gs://bucket/prefix.
func Acquire(
	ctx context.Context,
	path string,
	holder Holder,
	timeout time.Duration,
	opts ...Option,
) (*Lease, error) {
	if timeout <= 0 {
		return nil, fmt.Errorf("lease %s: timeout %s, want a positive duration", path, timeout)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	st, err := open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", path, err)
	}
	l, err := acquire(ctx, st, path, holder, timeout, o.running)
	if err != nil {
		st.close()
		return nil, err
	}
	renewCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	l.stop, l.done = stop, make(chan struct{})
	go l.renewEvery(renewCtx, timeout/3)
	return l, nil
}

// acquire takes the lease in st: free, released or stale; a fresh one of another run, or one
// whose job running says still runs, is a *HeldError. A race lost to another acquirer reads the
// lease again.
func acquire(
	ctx context.Context,
	st store,
	path string,
	holder Holder,
	timeout time.Duration,
	running JobChecker,
) (*Lease, error) {
	if holder.Host == "" {
		holder.Host, _ = os.Hostname()
	}
	if holder.PID == 0 && holder.JobID == "" {
		holder.PID = os.Getpid()
	}
	for range maxRaces {
		data, gen, err := st.current(ctx)
		if err != nil {
			return nil, fmt.Errorf("lease %s: %w", path, err)
		}
		if gen != 0 {
			var cur record
			if err := json.Unmarshal(data, &cur); err != nil {
				return nil, fmt.Errorf("lease %s: generation %d: %w", path, gen, err)
			}
			age := time.Since(cur.Renewed)
			held := &HeldError{Path: path, Holder: cur.Holder, Timeout: timeout, Age: age}
			if !cur.Released && age <= timeout && !endedHere(cur.Holder) {
				return nil, held
			}
			if !cur.Released && cur.JobID != "" && running != nil {
				on, err := running(ctx, cur.JobID)
				if err != nil {
					return nil, fmt.Errorf("lease %s: is job %s still running? %w", path,
						cur.JobID, err)
				}
				if on {
					held.JobRunning = true
					return nil, held
				}
			}
		}
		now := time.Now().UTC()
		holder.Started, holder.Renewed = now, now
		next, err := write(ctx, st, gen, record{Holder: holder})
		if errors.Is(err, errConflict) {
			continue // another run changed the lease meanwhile: look again
		}
		if err != nil {
			return nil, fmt.Errorf("lease %s: %w", path, err)
		}
		return &Lease{path: path, store: st, timeout: timeout, holder: holder, gen: next}, nil
	}
	return nil, fmt.Errorf(
		"lease %s: changed by other runs %d times while being acquired",
		path,
		maxRaces,
	)
}

// maxRaces bounds the attempts of one Acquire that other runs' changes keep foiling.
const maxRaces = 5

// write encodes rec and writes it as the generation after gen.
func write(ctx context.Context, st store, gen int64, rec record) (int64, error) {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return 0, err
	}
	return st.next(ctx, gen, append(data, '\n'))
}

// renewEvery renews the lease every interval until ctx ends or the lease is lost. A renewal that
// fails for another reason (the network) is tried again at the next tick.
func (l *Lease) renewEvery(ctx context.Context, interval time.Duration) {
	defer close(l.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := l.renew(ctx); err != nil && l.Err() != nil {
				return
			}
		}
	}
}

// renew writes the lease again with the renewal time now; a lease another run took over becomes
// lost (see Err).
func (l *Lease) renew(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	h := l.holder
	h.Renewed = time.Now().UTC()
	next, err := write(ctx, l.store, l.gen, record{Holder: h})
	if errors.Is(err, errConflict) {
		l.err = l.lost(ctx)
		return l.err
	}
	if err != nil {
		return fmt.Errorf("lease %s: renew: %w", l.path, err)
	}
	l.holder, l.gen = h, next
	return nil
}

// SetJob names the job that writes for the holder (a Dataflow job, once submitted) and writes
// the lease at once, so that a run finding it stale asks whether the job still runs.
func (l *Lease) SetJob(ctx context.Context, jobID string) error {
	l.mu.Lock()
	l.holder.JobID = jobID
	l.mu.Unlock()
	return l.renew(ctx)
}

// lost makes the LostError of the lease, naming the current holder when it can be read.
func (l *Lease) lost(ctx context.Context) error {
	e := &LostError{Path: l.path}
	if data, gen, err := l.store.current(ctx); err == nil && gen != 0 {
		var cur record
		if json.Unmarshal(data, &cur) == nil && !cur.Released {
			e.Holder = &cur.Holder
		}
	}
	return e
}

// Err is nil while the lease is held, and a *LostError once another run has taken it over: check
// it before publishing what the run wrote.
func (l *Lease) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Holder is the lease's holder as last written.
func (l *Lease) Holder() Holder {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holder
}

// Release stops the renewals and gives the lease up, when it still holds it; a lease another run
// took over gives a *LostError. Calling it again returns what the first call did, or nil.
func (l *Lease) Release(ctx context.Context) error {
	if l.stop != nil {
		l.stop()
		<-l.done
		l.stop = nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.store
	if st == nil {
		return l.err // released before
	}
	defer func() { st.close(); l.store = nil }()
	if l.err != nil {
		return l.err
	}
	err := st.release(ctx, l.gen)
	if errors.Is(err, errConflict) {
		l.err = l.lost(ctx)
		return l.err
	}
	if err != nil {
		return fmt.Errorf("lease %s: release: %w", l.path, err)
	}
	return nil
}

// errConflict is a store's answer when the lease's generation is no longer the one given.
var errConflict = errors.New("the lease changed")

// store keeps a lease's generations. Each change names the generation it replaces and fails with
// errConflict when that is no longer the current one.
type store interface {
	// current reads the current generation: its data and number, or 0 when there is none.
	current(ctx context.Context) ([]byte, int64, error)
	// next writes data as the generation after gen (0: none) and returns its number.
	next(ctx context.Context, gen int64, data []byte) (int64, error)
	// release ends generation gen: afterwards the lease is free.
	release(ctx context.Context, gen int64) error
	close()
}

// open returns the store of a lease path: Cloud Storage for gs://, else the local filesystem.
func open(ctx context.Context, path string) (store, error) {
	if strings.HasPrefix(path, "gs://") {
		return openGCS(ctx, path)
	}
	if strings.Contains(path, "://") {
		return nil, fmt.Errorf("leases are kept on local paths and gs:// only")
	}
	return openLocal(path)
}

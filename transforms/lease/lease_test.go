package lease

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Each scenario runs on a local folder and on Cloud Storage (gcs_test.go), through Acquire's path.

// testTimeout is short, so that a lease goes stale within a test; renewals come every third of it.
const testTimeout = 600 * time.Millisecond

func localPath(t *testing.T) string { return Path(t.TempDir(), "2026-11-21") }

func TestLocalSecondRunIsRefusedUntilRelease(t *testing.T) {
	secondRunIsRefusedUntilRelease(t, localPath(t))
}

func TestLocalRenewalKeepsTheLease(t *testing.T) {
	renewalKeepsTheLease(t, localPath(t))
}

func TestLocalStaleLeaseIsTakenOver(t *testing.T) {
	staleLeaseIsTakenOver(t, localPath(t))
}

func TestLocalOneOfManyAcquirersWins(t *testing.T) {
	oneOfManyAcquirersWins(t, localPath(t))
}

// secondRunIsRefusedUntilRelease: a second run gets a HeldError naming the holder; once the first
// releases, it gets the lease.
func secondRunIsRefusedUntilRelease(t *testing.T, path string) {
	ctx := context.Background()
	first, err := Acquire(ctx, path, Holder{RunID: "run-1"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(ctx, path, Holder{RunID: "run-2"}, time.Hour)
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.RunID != "run-1" || held.Holder.PID == 0 ||
		held.Holder.Host == "" {
		t.Fatalf("second Acquire: %v, want a HeldError naming run-1 with its host and pid", err)
	}
	for _, want := range []string{"another run holds " + path, "run run-1 on host ", "pid ",
		"started ", "stale when not renewed for 1h0m0s"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if err := first.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.Release(ctx); err != nil {
		t.Errorf("second Release: %v", err)
	}
	second, err := Acquire(
		ctx,
		path,
		Holder{RunID: "run-2", JobID: "2026-11-21_01_02_03-123"},
		time.Hour,
	)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	_, err = Acquire(ctx, path, Holder{RunID: "run-3"}, time.Hour)
	if !errors.As(err, &held) || held.Holder.JobID != "2026-11-21_01_02_03-123" ||
		held.Holder.PID != 0 ||
		!strings.Contains(err.Error(), "job 2026-11-21_01_02_03-123") {
		t.Errorf("third Acquire: %v, want a HeldError naming the job of run-2", err)
	}
	if err := second.Release(ctx); err != nil || second.Err() != nil {
		t.Fatalf("Release: %v, Err: %v", err, second.Err())
	}
}

// renewalKeepsTheLease: a holder that lives longer than the timeout keeps its lease fresh.
func renewalKeepsTheLease(t *testing.T, path string) {
	ctx := context.Background()
	l, err := Acquire(ctx, path, Holder{RunID: "long"}, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(ctx)
	acquired := l.Holder().Renewed
	time.Sleep(3 * testTimeout)
	_, err = Acquire(ctx, path, Holder{RunID: "late"}, testTimeout)
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.RunID != "long" || held.Age > testTimeout {
		t.Fatalf(
			"Acquire after %s: %v, want a HeldError naming the renewed lease",
			3*testTimeout,
			err,
		)
	}
	if renewed := l.Holder().Renewed; !renewed.After(acquired) || l.Err() != nil {
		t.Errorf("renewed %s, acquired %s, err %v", renewed, acquired, l.Err())
	}
}

// staleLeaseIsTakenOver: a holder that stops renewing (a killed launcher, a paused process) goes
// stale and the next run takes the lease; the old holder then finds it lost, on its next renewal
// and at Release, and the new holder keeps it.
func staleLeaseIsTakenOver(t *testing.T, path string) {
	ctx := context.Background()
	old, err := Acquire(ctx, path, Holder{RunID: "old"}, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	old.stop() // the process sleeps: no more renewals
	<-old.done
	old.stop = nil
	time.Sleep(testTimeout + 100*time.Millisecond)
	taker, err := Acquire(ctx, path, Holder{RunID: "taker"}, testTimeout)
	if err != nil {
		t.Fatalf("Acquire of a stale lease: %v", err)
	}
	defer taker.Release(ctx)
	time.Sleep(testTimeout) // the taker renews a few times meanwhile
	var lost *LostError
	if err := old.renew(ctx); !errors.As(err, &lost) || lost.Holder == nil ||
		lost.Holder.RunID != "taker" {
		t.Fatalf("renewal of the stale lease: %v, want a LostError naming the taker", err)
	}
	if !errors.As(old.Err(), &lost) || !errors.As(old.Release(ctx), &lost) {
		t.Errorf("Err %v, Release %v; want LostErrors", old.Err(), old.Release(ctx))
	}
	_, err = Acquire(ctx, path, Holder{RunID: "third"}, testTimeout)
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.RunID != "taker" || taker.Err() != nil {
		t.Errorf(
			"Acquire after the takeover: %v (taker: %v), want a HeldError naming the taker",
			err,
			taker.Err(),
		)
	}
}

// oneOfManyAcquirersWins: runs that try at once, on a free lease and then on a stale one, get it
// exactly once.
func oneOfManyAcquirersWins(t *testing.T, path string) {
	ctx := context.Background()
	race := func(timeout time.Duration) *Lease {
		const runs = 6
		var wg sync.WaitGroup
		leases := make(chan *Lease, runs)
		errs := make(chan error, runs)
		for i := range runs {
			wg.Go(func() {
				l, err := Acquire(ctx, path, Holder{RunID: "run-" + string(rune('a'+i))}, timeout)
				if err != nil {
					errs <- err
					return
				}
				leases <- l
			})
		}
		wg.Wait()
		close(leases)
		close(errs)
		var won []*Lease
		for l := range leases {
			won = append(won, l)
		}
		for err := range errs {
			if _, ok := errors.AsType[*HeldError](err); !ok {
				t.Errorf("a losing acquirer: %v, want a HeldError", err)
			}
		}
		if len(won) != 1 {
			t.Fatalf("%d runs got the lease, want 1", len(won))
		}
		return won[0]
	}
	first := race(time.Hour)
	first.stop() // goes stale without releasing
	<-first.done
	first.stop = nil
	time.Sleep(testTimeout + 100*time.Millisecond)
	second := race(testTimeout)
	if err := second.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := errors.AsType[*LostError](first.Release(ctx)); !ok {
		t.Errorf("the first winner's Release after the takeover: want a LostError")
	}
}

// TestLocalLeaseFiles checks the local layout: one complete JSON generation at a time (older ones
// cleaned), a released generation last.
func TestLocalLeaseFiles(t *testing.T) {
	ctx := context.Background()
	path := localPath(t)
	l, err := Acquire(ctx, path, Holder{RunID: "r"}, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(testTimeout)
	files, _ := filepath.Glob(filepath.Join(path, "*.json"))
	if len(files) != 1 {
		t.Fatalf("lease files %v, want the current generation only", files)
	}
	st := &local{dir: path}
	data, gen, err := st.current(ctx)
	var rec record
	if err != nil || gen < 2 || json.Unmarshal(data, &rec) != nil || rec.RunID != "r" ||
		rec.Released {
		t.Fatalf("current generation %d: %s (%v), want run r renewed", gen, data, err)
	}
	if err := l.Release(ctx); err != nil {
		t.Fatal(err)
	}
	data, _, _ = st.current(ctx)
	if json.Unmarshal(data, &rec) != nil || !rec.Released {
		t.Errorf("after Release: %s, want a released generation", data)
	}
	if _, err := Acquire(ctx, "s3://bucket/x", Holder{}, time.Minute); err == nil {
		t.Errorf("an s3:// lease was accepted")
	}
	if _, err := Acquire(ctx, path, Holder{}, 0); err == nil {
		t.Errorf("a zero timeout was accepted")
	}
}

// TestLocalLeaseOfAKilledRunIsTakenOver: a lease whose holder was a process on this host that no
// longer runs (a run killed, or a machine restarted) is taken over at once, without waiting for the
// timeout; one held by a live process is not.
func TestLocalLeaseOfAKilledRunIsTakenOver(t *testing.T) {
	ctx := context.Background()
	path := localPath(t)
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("no process to end: %v", err)
	}
	killed, err := Acquire(ctx, path, Holder{RunID: "killed", PID: cmd.Process.Pid}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	next, err := Acquire(ctx, path, Holder{RunID: "next"}, time.Hour)
	if err != nil {
		t.Fatalf("the lease of a process that ended is still held: %v", err)
	}
	_, err = Acquire(ctx, path, Holder{RunID: "third"}, time.Hour)
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.RunID != "next" {
		t.Errorf("the lease of this live process: %v, want a HeldError naming run next", err)
	}
	if err := next.Release(ctx); err != nil {
		t.Error(err)
	}
	var lost *LostError
	if err := killed.Release(ctx); !errors.As(err, &lost) {
		t.Errorf("the killed run's Release: %v, want a LostError", err)
	}
}

func TestLocalStaleLeaseOfARunningJobIsHeld(t *testing.T) {
	staleLeaseOfARunningJobIsHeld(t, localPath(t))
}

// staleLeaseOfARunningJobIsHeld: a launcher that stopped renewing (killed) leaves the job it
// submitted running; its lease is taken over only once the job has ended.
func staleLeaseOfARunningJobIsHeld(t *testing.T, path string) {
	ctx := context.Background()
	const job = "2026-12-08_01_00_00-1234567890"
	old, err := Acquire(ctx, path, Holder{RunID: "old"}, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.SetJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	old.stop() // the launcher is killed: no more renewals
	<-old.done
	old.stop = nil
	time.Sleep(testTimeout + 100*time.Millisecond)
	running := true
	check := WithJobChecker(func(_ context.Context, id string) (bool, error) {
		if id != job {
			t.Errorf("asked about job %q, want %q", id, job)
		}
		return running, nil
	})
	_, err = Acquire(ctx, path, Holder{RunID: "next"}, testTimeout, check)
	var held *HeldError
	if !errors.As(err, &held) || !held.JobRunning || !strings.Contains(err.Error(), job) {
		t.Fatalf("Acquire while the job runs: %v, want a HeldError naming the job", err)
	}
	running = false
	next, err := Acquire(ctx, path, Holder{RunID: "next"}, testTimeout, check)
	if err != nil {
		t.Fatalf("Acquire once the job has ended: %v", err)
	}
	next.Release(ctx)
}

//go:build unix

package lease

import (
	"errors"
	"os"
	"syscall"
)

// endedHere reports whether h was a process of this host that no longer runs: signal 0 checks that
// a process exists without touching it. A job id, another host, or a process that exists (even
// another one reusing the pid) keeps the lease held.
func endedHere(h Holder) bool {
	host, err := os.Hostname()
	if err != nil || h.JobID != "" || h.PID <= 0 || h.Host != host {
		return false
	}
	return errors.Is(syscall.Kill(h.PID, 0), syscall.ESRCH)
}

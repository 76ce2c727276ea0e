package lease

import (
	"testing"

	"github.com/shopportraits/portraits/transforms/gcstest"
)

// gcsPath serves a fake Cloud Storage (package gcstest, which honours ifGenerationMatch, so the
// preconditions are really exercised) and returns a lease path in it.
func gcsPath(t *testing.T) string {
	t.Helper()
	gcstest.Serve(t, "portraits")
	return Path("gs://portraits/out", "2026-11-21")
}

func TestGCSSecondRunIsRefusedUntilRelease(t *testing.T) {
	secondRunIsRefusedUntilRelease(t, gcsPath(t))
}

func TestGCSRenewalKeepsTheLease(t *testing.T) {
	renewalKeepsTheLease(t, gcsPath(t))
}

func TestGCSStaleLeaseIsTakenOver(t *testing.T) {
	staleLeaseIsTakenOver(t, gcsPath(t))
}

func TestGCSOneOfManyAcquirersWins(t *testing.T) {
	oneOfManyAcquirersWins(t, gcsPath(t))
}

func TestGCSStaleLeaseOfARunningJobIsHeld(t *testing.T) {
	staleLeaseOfARunningJobIsHeld(t, gcsPath(t))
}

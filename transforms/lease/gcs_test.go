package lease

import (
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

// gcsPath serves a fake Cloud Storage in this process (github.com/fsouza/fake-gcs-server, which
// honours ifGenerationMatch, so the preconditions are really exercised) and points the storage
// client at it through STORAGE_EMULATOR_HOST, as Acquire opens it.
func gcsPath(t *testing.T) string {
	t.Helper()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	srv.CreateBucket("portraits")
	t.Setenv("STORAGE_EMULATOR_HOST", strings.TrimPrefix(srv.URL(), "http://"))
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

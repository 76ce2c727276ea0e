// Package gcstest serves a fake Cloud Storage to tests (github.com/fsouza/fake-gcs-server, which
// honours generation preconditions and lists like the real service), so that every gs:// path of
// the job is exercised without a cloud.
package gcstest

import (
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

// Serve starts a fake Cloud Storage holding the named buckets for the rest of the test, and points
// every Cloud Storage client the process opens at it (STORAGE_EMULATOR_HOST, which Google's client
// honours, and so Beam's gcs filesystem and the lease).
func Serve(t *testing.T, buckets ...string) *fakestorage.Server {
	t.Helper()
	// The public host is where the client reads objects (the XML API's /BUCKET/OBJECT): the
	// server's own, whatever its port.
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http",
		Host: "127.0.0.1", PublicHost: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	for _, b := range buckets {
		srv.CreateBucket(b)
	}
	t.Setenv("STORAGE_EMULATOR_HOST", strings.TrimPrefix(srv.URL(), "http://"))
	return srv
}

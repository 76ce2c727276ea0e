// Package runner says which Beam runner the job goes to and what follows from that: whether the
// workarounds for Prism's in-memory shuffles are needed, and which job service reports the job's
// progress. It is the one place that asks; the workarounds live in packages of their own.
package runner

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
)

// Name is the runner the job is submitted to, as --runner names it, lower-cased and without a
// "Runner" suffix: "prism" (Beam's default), "direct", "dataflow", "universal", "flink", "spark".
func Name() string {
	r := strings.TrimSuffix(strings.ToLower(*beamrunners.Runner), "runner")
	if r == "" {
		return "prism"
	}
	return r
}

// ReadsSideInputsWhole reports whether the runner gives a step its side inputs only once they are
// complete, so that package settle's relay is not needed. Dataflow does; Prism may not, and
// runners not checked here are taken not to.
func ReadsSideInputsWhole() bool { return Name() == "dataflow" }

// JobService returns the address of the job service that runs the job and reports its metrics,
// or "" for a runner that has none to ask (Dataflow and the direct runner). For Prism in this
// process it starts the job server first, on a free port, so that the address is known before
// the job runs (Beam's prism runner would start the same server itself, at an address it does
// not tell).
func JobService(ctx context.Context) (string, error) {
	if *jobopts.Endpoint != "" {
		return *jobopts.Endpoint, nil
	}
	if Name() != "prism" {
		return "", nil
	}
	port, err := freePort()
	if err != nil {
		return "", fmt.Errorf("prism job server: %w", err)
	}
	if _, err := prism.CreateJobServer(ctx, prism.Options{Port: port}); err != nil {
		return "", fmt.Errorf("prism job server: %w", err)
	}
	*jobopts.Endpoint = fmt.Sprintf("localhost:%d", port)
	if *jobopts.EnvironmentType == "" {
		// What Beam's prism runner chooses for a server of its own: workers in this process.
		*jobopts.EnvironmentType = "loopback"
	}
	return *jobopts.Endpoint, nil
}

// freePort is a TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

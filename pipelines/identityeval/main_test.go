package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/gcstest"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
)

// TestEvaluatesARunOnCloudStorage: a run folder on gs:// (a fake Cloud Storage) is read like a
// local one: its identity map, and its date from the folder's name.
func TestEvaluatesARunOnCloudStorage(t *testing.T) {
	gcstest.Serve(t, "shop")
	t.Setenv("PORTRAITS_SALT", publishtest.Salt)
	links := []any{
		schemas.IdentityLink{IDType: "phone", IDHash: publishtest.IDHash("phone", "+8613800000001"),
			PersonID: "a", LinkedBy: "rule", Score: 1},
		schemas.IdentityLink{IDType: "email", IDHash: publishtest.IDHash("email", "a@example.com"),
			PersonID: "a", LinkedBy: "rule", Score: 1},
	}
	run := publishtest.WriteRun(t, "gs://shop/out", "2026-11-21",
		map[string][]any{"identity_map": links})
	truth := filepath.Join(t.TempDir(), "truth.csv")
	data := "person_id,kind,value\nT1,phone_e164,+8613800000001\nT1,email,a@example.com\n"
	if err := os.WriteFile(truth, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err := evaluate(context.Background(), &out, run, truth, saltflag.Flags{Env: "PORTRAITS_SALT"})
	if err != nil {
		t.Fatalf("evaluate %s: %v", run, err)
	}
	if want := "pairs: true 1, predicted 1, correct 1"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
}

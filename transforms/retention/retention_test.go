package retention

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/sink"
)

func TestPrune(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	nights, _ := publishtest.World{Persons: 3, Start: "2026-11-10", Nights: 5}.Build()
	for _, n := range nights {
		publishtest.WriteNight(t, out, n)
	}
	// A killed run older than those kept, a state folder and attempts the nightly keeps itself.
	for _, dir := range []string{"dt=2026-11-01/events", "dt=2026-11-14/_state/persons",
		"_attempts/2026-11-14-1"} {
		if err := os.MkdirAll(filepath.Join(out, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if removed, err := Prune(ctx, out, 0); err != nil || removed != nil {
		t.Fatalf("keep 0 removed %v, %v", removed, err)
	}
	removed, err := Prune(ctx, out, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{"2026-11-10", "2026-11-11"}) {
		t.Errorf("removed %v", removed)
	}
	runs, err := sink.Runs(ctx, out)
	if err != nil || !slices.Equal(runs, []string{"2026-11-14", "2026-11-13", "2026-11-12"}) {
		t.Errorf("runs left %v, %v", runs, err)
	}
	for _, dir := range []string{"dt=2026-11-01/events", "dt=2026-11-14/_state/persons",
		"_attempts/2026-11-14-1"} {
		if _, err := os.Stat(filepath.Join(out, dir)); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
	for _, d := range removed {
		if _, err := os.Stat(filepath.Join(out, "dt="+d)); !os.IsNotExist(err) {
			t.Errorf("the run of %s is still there: %v", d, err)
		}
	}
	if again, err := Prune(ctx, out, 3); err != nil || len(again) != 0 {
		t.Errorf("pruning again removed %v, %v", again, err)
	}
}

// TestErase forgets a person from the runs kept before the night of the request: every row naming
// them or carrying one of their identifiers, their orders' lines, their audience lines; the other
// persons' rows stay, the manifests count what is left, and the cleaning is recorded for publish.
func TestErase(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	nights, _ := publishtest.World{
		Persons:  6,
		Start:    "2026-11-10",
		Nights:   4,
		Erasures: map[int]int{3: 3},
	}.Build()
	for _, n := range nights {
		// An audience with persons 1 and 3.
		n.Tables["activation"] = []any{
			schemas.Activation{
				PersonID:    "p001",
				Segment:     "s",
				Priority:    1,
				Slot:        1,
				PhoneMD5:    "md5-1",
				PhoneSHA256: "sha-1",
			},
			schemas.Activation{
				PersonID:    "p003",
				Segment:     "s",
				Priority:    1,
				Slot:        1,
				PhoneMD5:    "md5-3",
				PhoneSHA256: "sha-3",
			}}
		dir := publishtest.WriteNight(t, out, n)
		writeAudience(t, dir, "phone_md5,phone_sha256\nmd5-1,sha-1\nmd5-3,sha-3\n")
	}
	before := rows(t, out, "2026-11-10")
	req := Request{
		Output: out,
		Date:   "2026-11-13",
		Salt:   publishtest.Salt,
		Now:    time.Date(2026, 11, 13, 19, 0, 0, 0, time.UTC),
		Hashes: []string{normalize.Hash(publishtest.Salt, identity.Key(identity.Account, "u003"))},
	}
	if _, err := Erase(ctx, Request{Output: out, Date: req.Date, Hashes: req.Hashes}); err == nil ||
		!strings.Contains(err.Error(), "salt") {
		t.Errorf("an erasure without the salt: %v", err)
	}
	done, err := Erase(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2026-11-10", "2026-11-11", "2026-11-12"} {
		after := rows(t, out, d)
		m, err := sink.ReadManifest(ctx, out, d)
		if err != nil {
			t.Fatal(err)
		}
		for table, rs := range after {
			if m.Tables[table].Rows != int64(len(rs)) {
				t.Errorf(
					"%s %s: the manifest counts %d rows, the files hold %d",
					d,
					table,
					m.Tables[table].Rows,
					len(rs),
				)
			}
			for _, r := range rs {
				if theirs(r) {
					t.Errorf("%s %s still holds %+v", d, table, r)
				}
			}
		}
		if len(after["events"]) == 0 || len(after["portraits"]) == 0 || len(after["orders"]) == 0 {
			t.Errorf("%s: the others' rows went too", d)
		}
		audience, err := os.ReadFile(filepath.Join(out, "dt="+d, "activation_csv", "s.csv"))
		if err != nil || string(audience) != "phone_md5,phone_sha256\nmd5-1,sha-1\n" {
			t.Errorf("%s audience %q, %v", d, audience, err)
		}
		if i := slices.IndexFunc(m.Files, func(e sink.Extra) bool {
			return e.Path == "activation_csv/s.csv"
		}); i < 0 ||
			m.Files[i].Rows != 1 {
			t.Errorf("%s: manifest files %+v", d, m.Files)
		}
	}
	// The night of the request is not touched: it left the person out itself.
	if after := rows(t, out, "2026-11-13"); len(after["activation"]) != 2 {
		t.Errorf(
			"the night of the request was rewritten: %d activation rows",
			len(after["activation"]),
		)
	}
	removed := int64(0)
	for _, c := range done {
		removed += c.RowsRemoved
		if c.Requests != 1 || !c.CleanedAt.Equal(req.Now) ||
			!strings.HasPrefix(c.Place, "run dt=2026-11-1") {
			t.Errorf("cleaning %+v", c)
		}
	}
	gone := int64(0)
	for table, rs := range before {
		for _, r := range rs {
			if theirs(r) ||
				(table == "order_items" && strings.HasSuffix(r.(schemas.OrderItem).OrderID, "-003")) {
				gone++
			}
		}
	}
	if first := sumOf(done, "run dt=2026-11-10/"); first != gone+1 || removed == 0 {
		t.Errorf(
			"the run of 2026-11-10: %d rows removed, want %d and the audience line",
			first,
			gone,
		)
	}
	logged, err := publish.ReadRunFolderLog(ctx, out, "2026-11-13")
	if err != nil || len(logged) != len(done) {
		t.Errorf("logged %d cleanings, want %d: %v", len(logged), len(done), err)
	}
	again, err := Erase(ctx, req)
	if err != nil || len(again) != 0 {
		t.Errorf("erasing again: %v, %v", again, err)
	}
	if logged, _ := publish.ReadRunFolderLog(ctx, out, "2026-11-13"); len(logged) != len(done) {
		t.Errorf("erasing again changed the log: %d entries", len(logged))
	}
}

func writeAudience(t *testing.T, dir, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "activation_csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "activation_csv", "s.csv"), []byte(text),
		0o644); err != nil {
		t.Fatal(err)
	}
	m, err := sink.ReadManifest(
		context.Background(),
		filepath.Dir(dir),
		strings.TrimPrefix(filepath.Base(dir), "dt="),
	)
	if err != nil {
		t.Fatal(err)
	}
	m.Files = append(
		m.Files,
		sink.Extra{Path: "activation_csv/s.csv", Rows: int64(strings.Count(text, "\n") - 1)},
	)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, sink.ManifestName), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rows reads every table of a run.
func rows(t *testing.T, out, date string) map[string][]any {
	t.Helper()
	m, err := sink.ReadManifest(context.Background(), out, date)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]any{}
	for table := range m.Tables {
		ru := &run{dir: sink.RunDir(out, date), manifest: m}
		if err := ru.each(context.Background(), table, func(r any) {
			got[table] = append(got[table], r)
		}); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// theirs reports whether a row is person 3's.
func theirs(r any) bool {
	switch r := r.(type) {
	case schemas.Event:
		return r.UserID == "u003" || r.DeviceKey == publishtest.IDHash(identity.Device, "d003") ||
			r.CookieKey == publishtest.IDHash(identity.Anonymous, "a003")
	case schemas.Order:
		return r.UserID == "u003"
	case schemas.OrderItem:
		return strings.HasSuffix(r.OrderID, "-003")
	case schemas.User:
		return r.UserID == "u003"
	case schemas.IdentityLink:
		return r.PersonID == "p003"
	case schemas.Portrait:
		return r.PersonID == "p003"
	case schemas.Person:
		return r.PersonID == "p003"
	case schemas.SegmentMembership:
		return r.PersonID == "p003"
	case schemas.Activation:
		return r.PersonID == "p003"
	}
	return false
}

func sumOf(cs []publish.Cleaning, prefix string) int64 {
	var n int64
	for _, c := range cs {
		if strings.HasPrefix(c.Place, prefix) {
			n += c.RowsRemoved
		}
	}
	return n
}

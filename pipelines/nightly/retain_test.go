package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/sink"
)

// personThree counts person 3's rows (by person, account, device or cookie) and everyone's in a
// run's portraits, users and events.
func personThree(t *testing.T, out, date string) (theirs, all int) {
	t.Helper()
	ctx := context.Background()
	portraits, err := sink.ReadTable[schemas.Portrait](ctx, out, date, "portraits")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range portraits {
		if p.PersonID == "p003" {
			theirs++
		}
	}
	users, err := sink.ReadTable[schemas.User](ctx, out, date, "users")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.UserID == "u003" {
			theirs++
		}
	}
	events, err := sink.ReadTable[schemas.Event](ctx, out, date, "events")
	if err != nil {
		t.Fatal(err)
	}
	device := publishtest.IDHash(identity.Device, "d003")
	cookie := publishtest.IDHash(identity.Anonymous, "a003")
	for _, e := range events {
		if e.UserID == "u003" || e.DeviceKey == device || e.CookieKey == cookie {
			theirs++
		}
	}
	return theirs, len(portraits) + len(users) + len(events)
}

// TestRetainCarriesErasuresThenPrunes: after a night that brought an erasure request, retain
// removes the person's rows from the older runs it keeps, records the cleaning for publish, and
// removes the runs beyond --keep-runs; the next night carries that request no further, and
// --keep-runs 0 keeps every run.
func TestRetainCarriesErasuresThenPrunes(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	nights, _ := publishtest.World{
		Persons:  6,
		Start:    "2026-11-10",
		Nights:   6,
		Erasures: map[int]int{4: 3},
	}.Build()
	t.Setenv("PORTRAITS_RETAIN_TEST_SALT", publishtest.Salt)
	jobOf := func(n publishtest.Night) job {
		publishtest.WriteNight(t, out, n)
		j := job{Date: n.Date, Output: out,
			Clean: clean.Options{SaltSource: salt.Env("PORTRAITS_RETAIN_TEST_SALT")}}
		for _, r := range n.Tables["erasures"] {
			j.Erasures = append(j.Erasures, r.(schemas.Erasure))
		}
		return j
	}
	for _, n := range nights[:4] {
		jobOf(n)
	}
	before := map[string][2]int{}
	for _, d := range []string{"2026-11-12", "2026-11-13"} {
		theirs, all := personThree(t, out, d)
		if theirs == 0 {
			t.Fatalf("%s holds nothing of person 3 to erase", d)
		}
		before[d] = [2]int{theirs, all}
	}

	// The night of the request, keeping three runs.
	var log bytes.Buffer
	if err := retain(ctx, jobOf(nights[4]), 3, &log); err != nil {
		t.Fatal(err)
	}
	runs, err := sink.Runs(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2026-11-14", "2026-11-13", "2026-11-12"}; !slices.Equal(runs, want) {
		t.Errorf("runs kept %v, want %v", runs, want)
	}
	removed := 0
	for d, b := range before {
		theirs, all := personThree(t, out, d)
		if theirs != 0 || all != b[1]-b[0] {
			t.Errorf("%s: %d rows of person 3 and %d in all, want none and %d", d, theirs, all,
				b[1]-b[0])
		}
		removed += b[0]
	}
	cleaned, err := publish.ReadRunFolderLog(ctx, out, "2026-11-14")
	if err != nil {
		t.Fatal(err)
	}
	var places []string
	var rows int64
	for _, c := range cleaned {
		places = append(places, c.Place)
		rows += c.RowsRemoved
	}
	for _, want := range []string{"run dt=2026-11-12/portraits", "run dt=2026-11-13/events",
		"run dt=2026-11-10/users"} {
		if !slices.Contains(places, want) {
			t.Errorf("the cleaning of %s is not recorded for publish: %v", want, places)
		}
	}
	for _, want := range []string{
		fmt.Sprintf("erasure: 1 requests carried into the older runs kept, %d rows removed", rows),
		"retention: removed the runs of 2026-11-10 to 2026-11-11 (keeping 3)",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("retain said:\n%s\nwant %q", log.String(), want)
		}
	}
	if rows < int64(removed) {
		t.Errorf("%d rows recorded removed, fewer than person 3's %d in portraits, users, events",
			rows, removed)
	}

	// The next night holds the request too, but it is not tonight's; 0 keeps every run.
	log.Reset()
	if err := retain(ctx, jobOf(nights[5]), 0, &log); err != nil {
		t.Fatal(err)
	}
	if log.Len() != 0 {
		t.Errorf("the next night's retain did something:\n%s", log.String())
	}
	if runs, err := sink.Runs(ctx, out); err != nil || len(runs) != 4 {
		t.Errorf("runs %v, %v: want four", runs, err)
	}
	again, err := publish.ReadRunFolderLog(ctx, out, "2026-11-15")
	if err != nil || len(again) != 0 {
		t.Errorf("the next night recorded a cleaning: %v, %v", again, err)
	}
}

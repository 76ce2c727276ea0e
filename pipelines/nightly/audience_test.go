package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/segment"
	"github.com/shopportraits/portraits/transforms/sink"
)

// audienceLines reads an activation CSV file of a published run: its lines after the header, and
// whether the file exists.
func audienceLines(t *testing.T, path string) ([]string, bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if lines[0] != segment.CSVHeader {
		t.Fatalf("%s: header %q", path, lines[0])
	}
	return lines[1:], true
}

// checkAudienceChanges checks the audiences of the published night date under out against those of
// the night prev under prevOut ("" for none, when every line is added): for every segment, last
// night's list plus the lines added minus those removed is tonight's list, and the
// activation_changes table holds the same lines. It returns the night's changes.
func checkAudienceChanges(
	t *testing.T,
	out, prevOut, prev, date string,
) []schemas.ActivationChange {
	t.Helper()
	dir := filepath.Join(sink.RunDir(out, date), segment.CSVFolder)
	full, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(full) == 0 {
		t.Fatalf("%s: no audience files (%v)", date, err)
	}
	changes, err := sink.ReadTable[schemas.ActivationChange](
		context.Background(),
		out,
		date,
		"activation_changes",
	)
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string][]string{}
	for _, c := range changes {
		key := c.Segment + "." + c.Change
		byFile[key] = append(byFile[key], c.PhoneMD5+","+c.PhoneSHA256)
	}
	for _, f := range full {
		seg := strings.TrimSuffix(filepath.Base(f), ".csv")
		tonight, _ := audienceLines(t, f)
		var before []string
		if prev != "" {
			before, _ = audienceLines(
				t,
				filepath.Join(sink.RunDir(prevOut, prev), segment.CSVFolder,
					seg+".csv"),
			)
		}
		added, ok := audienceLines(t, filepath.Join(dir, segment.ChangesFolder, seg+".added.csv"))
		removed, ok2 := audienceLines(
			t,
			filepath.Join(dir, segment.ChangesFolder, seg+".removed.csv"),
		)
		if !ok || !ok2 {
			t.Fatalf("%s: %s has no added or removed file", date, seg)
		}
		set := map[string]bool{}
		for _, l := range before {
			set[l] = true
		}
		for _, l := range added {
			if set[l] {
				t.Errorf("%s: %s adds %s, already in last night's list", date, seg, l)
			}
			set[l] = true
		}
		for _, l := range removed {
			if !set[l] {
				t.Errorf("%s: %s removes %s, not in last night's list", date, seg, l)
			}
			delete(set, l)
		}
		got := make([]string, 0, len(set))
		for l := range set {
			got = append(got, l)
		}
		slices.Sort(got)
		if !slices.Equal(got, tonight) {
			t.Errorf(
				"%s: %s: last night's %d lines + %d added - %d removed = %d lines, tonight's list has %d",
				date,
				seg,
				len(before),
				len(added),
				len(removed),
				len(got),
				len(tonight),
			)
		}
		for change, lines := range map[string][]string{segment.Added: added, segment.Removed: removed} {
			table := slices.Sorted(slices.Values(byFile[seg+"."+change]))
			if !slices.Equal(table, lines) {
				t.Errorf(
					"%s: %s: activation_changes has %d lines %s, the file %d",
					date,
					seg,
					len(table),
					change,
					len(lines),
				)
			}
		}
		if prev == "" && (len(removed) != 0 || len(added) != len(tonight)) {
			t.Errorf("%s: %s without a previous night: %d added, %d removed, %d in the list",
				date, seg, len(added), len(removed), len(tonight))
		}
	}
	return changes
}

// phoneMD5 is the hex MD5 of an E.164 phone, as the audience files hold it.
func phoneMD5(e164 string) string {
	sum := md5.Sum([]byte(e164))
	return hex.EncodeToString(sum[:])
}

// checkErasedLines checks that the lines of an erased phone (its MD5) in last night's audiences
// are removed tonight with the reason erased and no person id.
func checkErasedLines(t *testing.T, out, prev, md5hex string, changes []schemas.ActivationChange) {
	t.Helper()
	was, err := sink.ReadTable[schemas.Activation](context.Background(), out, prev, "activation")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, a := range was {
		if a.PhoneMD5 == md5hex {
			want = append(want, a.Segment)
		}
	}
	if len(want) == 0 {
		t.Fatalf("the erased phone was in no audience on %s", prev)
	}
	var got []string
	for _, c := range changes {
		if c.PhoneMD5 != md5hex {
			continue
		}
		if c.Change != segment.Removed || c.Reason != segment.Erased || c.PersonID != "" {
			t.Errorf("the erased phone's change: %+v", c)
		}
		got = append(got, c.Segment)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the erased phone is removed from %q, was in %q", got, want)
	}
}

// activatedPhone is the phone of a generated person (from the truth file beside the sources
// file) in one of the audiences of the published night prev.
func activatedPhone(t *testing.T, sourcesFile, out, prev string) string {
	t.Helper()
	was, err := sink.ReadTable[schemas.Activation](context.Background(), out, prev, "activation")
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]bool{}
	for _, a := range was {
		held[a.PhoneMD5] = true
	}
	rows := truthRows(t, filepath.Join(filepath.Dir(sourcesFile), "truth", "persons.csv.gz"))
	for _, r := range rows[1:] {
		if r[1] == "phone_e164" && held[phoneMD5(r[2])] {
			return r[2]
		}
	}
	t.Fatalf("no generated phone is in an audience on %s", prev)
	return ""
}

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestErasure asks to forget one person by phone: that night and the next (without the request
// given again) no table holds the person's account, identity, portrait or activation row, the
// erasures table holds only a hash, and the counts say how many were erased.
func TestErasure(t *testing.T) {
	ctx := context.Background()
	sourcesFile := generate(t, 200)
	uid, phone, list := eraseList(t, sourcesFile)
	out := t.TempDir()
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	nextDay := "2026-11-22"
	for _, night := range []options{
		{Sources: sourcesFile, Date: testDate, Output: out,
			Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}, Erase: list},
		{Sources: sourcesFile, Date: nextDay, Output: out,
			Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}},
	} {
		var log bytes.Buffer
		if err := run(ctx, night, &log); err != nil {
			t.Fatalf("nightly %s: %v\n%s", night.Date, err, log.String())
		}
		if bytes.Contains(log.Bytes(), []byte(phone)) ||
			bytes.Contains(log.Bytes(), []byte(phone[3:])) {
			t.Errorf("%s: the log shows the erased phone", night.Date)
		}
		accountHash := normalize.Hash("nightly-test-salt-16", identity.Key(identity.Account, uid))
		users, err := sink.ReadTable[schemas.User](ctx, out, night.Date, "users")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if u.UserID == uid {
				t.Errorf("%s: users still holds the erased account", night.Date)
			}
		}
		links, err := sink.ReadTable[schemas.IdentityLink](ctx, out, night.Date, "identity_map")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			if l.IDHash == accountHash {
				t.Errorf(
					"%s: identity_map still maps the erased account to %s",
					night.Date,
					l.PersonID,
				)
			}
		}
		erasures, err := sink.ReadTable[schemas.Erasure](ctx, out, night.Date, "erasures")
		if err != nil {
			t.Fatal(err)
		}
		want := normalize.Hash("nightly-test-salt-16", identity.Key(identity.Phone, phone))
		if len(erasures) != 1 || erasures[0].IDHash != want ||
			erasures[0].RequestedDate != testDate {
			t.Errorf("%s: erasures %+v", night.Date, erasures)
		}
		counts, err := sink.ReadTable[schemas.QualityCount](ctx, out, night.Date, "quality")
		if err != nil {
			t.Fatal(err)
		}
		erased := map[string]int64{}
		for _, c := range counts {
			if c.Stage == "erase" {
				erased[c.Source+"/"+c.Reason] += c.Count
			}
		}
		// Every night reads the person's rows again, finds the person and erases them (an
		// incremental night after the request would carry none of them).
		if erased["identity/erased_persons"] != 1 || erased["users/erased"] != 1 {
			t.Errorf("%s: erase counts %v", night.Date, erased)
		}
		portraits, err := sink.ReadTable[schemas.Portrait](ctx, out, night.Date, "portraits")
		if err != nil {
			t.Fatal(err)
		}
		persons, err := sink.ReadTable[schemas.Person](ctx, out, night.Date, "persons")
		if err != nil {
			t.Fatal(err)
		}
		if len(portraits) != len(persons) {
			t.Errorf("%s: %d portraits for %d persons", night.Date, len(portraits), len(persons))
		}
		for _, p := range persons {
			if p.PrimaryAccount == uid {
				t.Errorf("%s: persons still holds the erased person", night.Date)
			}
		}
	}
}

// personWithPhone picks the first true person of the truth file with an account and a phone.
// eraseList writes an --erase file naming the phone of one generated person with an account, and
// returns that account, the phone and the file.
func eraseList(t *testing.T, sourcesFile string) (uid, phone, list string) {
	t.Helper()
	uid, phone = personWithPhone(
		t,
		filepath.Join(filepath.Dir(sourcesFile), "truth", "persons.csv.gz"),
	)
	list = filepath.Join(t.TempDir(), "erase.csv")
	if err := os.WriteFile(list, []byte("type,value\nphone,"+phone+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return uid, phone, list
}

// truthRows reads the generator's truth file (gzipped CSV person_id,kind,value), header first.
func truthRows(t *testing.T, truth string) [][]string {
	t.Helper()
	f, err := os.Open(truth)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(gz).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func personWithPhone(t *testing.T, truth string) (uid, phone string) {
	t.Helper()
	rows := truthRows(t, truth)
	byPerson := map[string]map[string]string{}
	var order []string
	for _, r := range rows[1:] {
		if byPerson[r[0]] == nil {
			byPerson[r[0]] = map[string]string{}
			order = append(order, r[0])
		}
		if _, seen := byPerson[r[0]][r[1]]; !seen {
			byPerson[r[0]][r[1]] = r[2]
		}
	}
	for _, p := range order {
		if k := byPerson[p]; k["uid"] != "" && k["phone_e164"] != "" {
			return k["uid"], k["phone_e164"]
		}
	}
	t.Fatal("no person with an account and a phone in the truth")
	return "", ""
}

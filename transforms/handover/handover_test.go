package handover

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

var userType = reflect.TypeOf(schemas.User{})

// users are accounts with every in-memory-only field set, which the Parquet tables leave out.
func users(n int) []schemas.User {
	out := make([]schemas.User, n)
	for i := range out {
		out[i] = schemas.User{
			UserID:           fmt.Sprintf("u%05d", i),
			City:             "杭州",
			BirthYear:        int32(1970 + i%40),
			RegisteredAt:     int64(i) * 1e6,
			MarketingConsent: i%2 == 0,
			Phone:            fmt.Sprintf("+86138%08d", i),
			Email:            fmt.Sprintf("u%d@example.com", i),
			Name:             "潘华",
			Birthday:         "1990-02-03",
			Src:              schemas.Origin{File: "users.jsonl", Line: int64(i + 1)},
		}
	}
	return out
}

// TestRoundTrip hands rows over from two collections in one pipeline and reads them in another:
// every field comes back, the in-memory-only ones included, and nothing is lost or repeated.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := users(3000)
	p, s := beam.NewPipelineWithRoot()
	Write(s, dir, "users", userType, beam.CreateList(s, in[:1000]), beam.CreateList(s, in[1000:]))
	ptest.RunAndValidate(t, p)

	// A collection moved whole reads the same: its index names its files relative to it.
	moved := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	p, s = beam.NewPipelineWithRoot()
	got, err := Read(context.Background(), s, moved, "users", userType)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]any, len(in))
	for i, u := range in {
		want[i] = u
	}
	passert.Equals(s, got, want...)
	ptest.RunAndValidate(t, p)
}

// TestEmpty hands over an empty collection: it still has an index, and reads back as empty.
func TestEmpty(t *testing.T) {
	dir := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	Write(s, dir, "none", userType, beam.CreateList(s, []schemas.User{}))
	ptest.RunAndValidate(t, p)

	p, s = beam.NewPipelineWithRoot()
	got, err := Read(context.Background(), s, dir, "none", userType)
	if err != nil {
		t.Fatal(err)
	}
	passert.Empty(s, got)
	ptest.RunAndValidate(t, p)
}

// TestNotHandedOver: reading a collection no pipeline finished is an error that names it, when the
// pipeline is built.
func TestNotHandedOver(t *testing.T) {
	_, s := beam.NewPipelineWithRoot()
	_, err := Read(context.Background(), s, t.TempDir(), "users", userType)
	if err == nil || !strings.Contains(err.Error(), "handover users") {
		t.Fatalf("got %v, want an error naming the collection", err)
	}
}

// TestTruncated: a file cut short is an error naming the record, not a silent loss.
func TestTruncated(t *testing.T) {
	enc := beam.NewElementEncoder(userType)
	var file bytes.Buffer
	for _, u := range users(3) {
		var rec bytes.Buffer
		if err := enc.Encode(u, &rec); err != nil {
			t.Fatal(err)
		}
		file.WriteByte(byte(rec.Len())) // each record is shorter than 128 bytes
		file.Write(rec.Bytes())
	}
	dec := beam.NewElementDecoder(userType)
	var n int
	count := func(beam.X) { n++ }
	if err := decodeAll(bufio.NewReader(bytes.NewReader(file.Bytes())), dec, count); err != nil ||
		n != 3 {
		t.Fatalf("whole file: %d records, error %v", n, err)
	}
	n = 0
	err := decodeAll(bufio.NewReader(bytes.NewReader(file.Bytes()[:file.Len()-5])), dec, count)
	if err == nil || !strings.Contains(err.Error(), "record 2") || n != 2 {
		t.Fatalf("cut file: %d records, error %v; want 2 and an error at record 2", n, err)
	}
}

// TestIndexNamesOnlyFinishedFiles: a file left by a failed bundle, which no index names, is not
// read.
func TestIndexNamesOnlyFinishedFiles(t *testing.T) {
	dir := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	Write(s, dir, "users", userType, beam.CreateList(s, users(10)))
	ptest.RunAndValidate(t, p)
	if err := os.WriteFile(filepath.Join(dir, "users", "left-by-a-failed-bundle.s2"), []byte("junk"),
		0o644); err != nil {
		t.Fatal(err)
	}
	p, s = beam.NewPipelineWithRoot()
	got, err := Read(context.Background(), s, dir, "users", userType)
	if err != nil {
		t.Fatal(err)
	}
	passert.Count(s, got, "users", 10)
	ptest.RunAndValidate(t, p)
}

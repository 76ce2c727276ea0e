package ingest

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
)

// FuzzParquetValues writes one row of arbitrary values as a Parquet file and reads it back: the
// record holds each value as the clean stage expects it (timestamps as RFC 3339 in UTC at any
// instant int64 microseconds can hold, dates as YYYY-MM-DD, lists joined by |, nulls absent), or
// the row is rejected as invalid_utf8 exactly when a text value is not UTF-8.
func FuzzParquetValues(f *testing.F) {
	f.Add(
		"u00001",
		"+86 138-0013-8000",
		int32(31),
		1.5,
		true,
		int64(1732000000123456),
		int32(7305),
		"美妆,旅游",
	)
	f.Add("", "", int32(-1), -0.0, false, int64(0), int32(0), "")
	f.Add("u\xff", "138", int32(0), 1e300, false, int64(-1), int32(-1), ",")
	f.Add(
		"u2",
		"\xfe",
		int32(2147483647),
		5e-324,
		true,
		int64(9223372036854775807),
		int32(2932896),
		"a,\xff",
	)
	dir := f.TempDir()
	f.Fuzz(
		func(t *testing.T, uid, mobile string, age int32, score float64, optIn bool, reg int64,
			birthday int32, interests string) {
			row := exportRow{
				UID:      uid,
				Mobile:   mobile,
				Age:      age,
				Score:    score,
				OptIn:    optIn,
				RegTime:  reg,
				Birthday: birthday,
			}
			if interests != "" {
				row.Interests = strings.Split(interests, ",")
			}
			var buf bytes.Buffer
			w := parquet.NewGenericWriter[exportRow](&buf)
			if _, err := w.Write([]exportRow{row}); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "v.parquet")
			if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := readTask(t, userSource(), Task{Source: "users", File: file})
			if err != nil {
				t.Fatalf("a valid file fails: %v", err)
			}
			c.balanced(t)
			valid := utf8.ValidString(uid) && utf8.ValidString(mobile) &&
				utf8.ValidString(interests)
			if !valid {
				if len(c.rejects) != 1 || c.rejects[0].Reason != "invalid_utf8" ||
					len(c.records) != 0 {
					t.Fatalf(
						"a row with invalid UTF-8 gave records %+v and rejects %+v",
						c.records,
						c.rejects,
					)
				}
				return
			}
			if len(c.records) != 1 || len(c.rejects) != 0 {
				t.Fatalf("one valid row gave records %+v and rejects %+v", c.records, c.rejects)
			}
			want := map[string]string{
				"user_id":           uid,
				"age":               strconv.FormatInt(int64(age), 10),
				"province":          strconv.FormatFloat(score, 'f', -1, 64),
				"marketing_consent": strconv.FormatBool(optIn),
				"registered_at":     time.UnixMicro(reg).UTC().Format(time.RFC3339Nano),
				"birthday": time.Date(1970, 1, 1+int(birthday), 0, 0, 0, 0, time.UTC).
					Format(time.DateOnly),
			}
			if mobile != "" {
				want["phone"] = mobile // an empty optional string is written as null
			}
			if interests != "" {
				want["city"] = strings.Join(row.Interests, "|")
			}
			if got := c.records[0].Fields; !maps.Equal(got, want) {
				t.Fatalf("read back\n%q\nwant\n%q", got, want)
			}
		},
	)
}

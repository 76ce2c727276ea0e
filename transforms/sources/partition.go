package sources

import (
	"fmt"
	"strings"
	"time"
)

// How a source grows from night to night.
const (
	// GrowsAppend: new records arrive in new daily partitions and old ones never change (events,
	// touches, feedback). A record is identified by its natural key.
	GrowsAppend = "append"
	// GrowsChanges: each daily partition is an export of the rows created or updated that day
	// (accounts, orders, products); the latest version of a natural key wins.
	GrowsChanges = "changes"
	// GrowsSnapshot: every file is read whole each night (vendor files, small dimension tables).
	GrowsSnapshot = "snapshot"
)

// DefaultLateDays is how many partitions before the previous run's date a night reads again.
const DefaultLateDays = 2

// partitionKey is the path segment that names a daily partition: dt=YYYY-MM-DD.
const partitionKey = "dt="

// Late returns the source's late_days, or DefaultLateDays when it is not set.
func (s *Source) Late() int {
	if s.LateDays == nil {
		return DefaultLateDays
	}
	return *s.LateDays
}

// Partitioned reports whether the source keeps its files in daily partitions.
func (s *Source) Partitioned() bool { return s.Grows == GrowsAppend || s.Grows == GrowsChanges }

func (s *Source) checkGrowth() error {
	switch s.Grows {
	case "":
		s.Grows = GrowsSnapshot
	case GrowsAppend, GrowsChanges, GrowsSnapshot:
	default:
		return fmt.Errorf("grows %q (append, changes or snapshot)", s.Grows)
	}
	if s.LateDays != nil && (*s.LateDays < 0 || *s.LateDays > 366) {
		return fmt.Errorf("late_days %d: want 0 to 366", *s.LateDays)
	}
	if s.Partitioned() && !strings.Contains(s.Path, "/"+partitionKey) &&
		!strings.HasPrefix(s.Path, partitionKey) {
		return fmt.Errorf("grows %s: the path %q has no daily partition folder "+
			"(e.g. events/dt=*/*.jsonl.gz)", s.Grows, s.Path)
	}
	return nil
}

// Partition returns the day of the daily partition a file sits in (the last dt=YYYY-MM-DD folder
// of its path), and false when the path names none.
func Partition(file string) (string, bool) {
	parts := strings.Split(strings.ReplaceAll(file, "\\", "/"), "/")
	for i := len(parts) - 2; i >= 0; i-- {
		day, ok := strings.CutPrefix(parts[i], partitionKey)
		if !ok {
			continue
		}
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			return "", false
		}
		return day, true
	}
	return "", false
}

// Window bounds the daily partitions a night reads. No night reads a partition after Through, the
// run's date. An incremental night continues the run of Previous: of a source that grows by
// appends or changes it reads only the partitions after Previous, and the source's LateDays
// partitions up to Previous again; snapshot sources are read whole. Previous "" reads every
// partition up to Through (a full night).
type Window struct {
	Through  string
	Previous string
}

// Reads reports whether a night of the window reads file of src. A file of a partitioned source
// outside any dt= partition is an error: the night could not tell whether it is new.
func (w Window) Reads(src Source, file string) (bool, error) {
	day, ok := Partition(file)
	if !ok {
		if src.Partitioned() {
			return false, fmt.Errorf("%s: not in a daily partition (a dt=YYYY-MM-DD folder), "+
				"which a source that grows by %s needs", file, src.Grows)
		}
		return true, nil
	}
	if w.Through != "" && day > w.Through {
		return false, nil
	}
	if w.Previous == "" || !src.Partitioned() {
		return true, nil
	}
	return day > AddDays(w.Previous, -src.Late()), nil
}

// AddDays returns the day n days after day (YYYY-MM-DD); n may be negative. A malformed day is
// returned unchanged.
func AddDays(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

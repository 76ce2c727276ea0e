package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopportraits/portraits/transforms/sink"
)

// Settings are the choices of a publish that every warehouse shares.
type Settings struct {
	// SnapshotDays is how many nights a snapshot table keeps (BigQuery's partition expiration);
	// default 400.
	SnapshotDays int
	// Zone is the business time zone whose days partition the facts; default Asia/Shanghai.
	Zone *time.Location
	// Salt is the runs' hashing salt: an erasure needs it to recognise raw identifiers.
	Salt string
	// AuthorizeViews also creates the views that read the restricted zone.
	AuthorizeViews bool
	// Now is the clock of published_at and cleaned_at; default time.Now.
	Now func() time.Time
}

// DefaultSnapshotDays is how many nights a snapshot table keeps unless told otherwise.
const DefaultSnapshotDays = 400

// DefaultZone is the business time zone unless told otherwise.
const DefaultZone = "Asia/Shanghai"

// WithDefaults fills the settings left unset.
func (s Settings) WithDefaults() (Settings, error) {
	if s.SnapshotDays == 0 {
		s.SnapshotDays = DefaultSnapshotDays
	}
	if s.SnapshotDays < 1 {
		return s, fmt.Errorf(
			"publish: snapshot tables keep %d nights: want at least 1",
			s.SnapshotDays,
		)
	}
	if s.Zone == nil {
		z, err := time.LoadLocation(DefaultZone)
		if err != nil {
			return s, fmt.Errorf("publish: %w", err)
		}
		s.Zone = z
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	return s, nil
}

// ErrTestsFailed is the error of a publish stopped by a failed data test of severity error: the
// night was not switched in.
var ErrTestsFailed = errors.New("data tests failed")

// TestResult is the outcome of one data test, a row of the data_tests table.
type TestResult struct {
	Test, Table, Severity string
	Passed                bool
	FailingRows           int64
	Detail                string
}

// Report is what a publish did.
type Report struct {
	// Newest is true when the night is the newest published: the current tables and the views
	// follow it. Publishing an older night again leaves them as they are.
	Newest bool
	// Migrated lists the tables a first publish brought from the model of one copy per night.
	Migrated []string
	// Created are the views created or replaced; Waiting the views not created, each with the
	// tables it waits for.
	Created, Waiting []string
	// Tests are the data tests' results, and Skipped the tests whose tables the night did not write.
	Tests   []TestResult
	Skipped []string
	// ErasedPersons and ErasedRows count what the night's new erasure requests removed from the
	// published tables.
	ErasedPersons int
	ErasedRows    int64
}

// Cleaning is one place cleaned of erased persons: a row of the erasure_log table.
type Cleaning struct {
	Date        string    `json:"date"` // the night whose requests were applied
	Place       string    `json:"place"`
	Requests    int64     `json:"requests"`
	RowsRemoved int64     `json:"rows_removed"`
	CleanedAt   time.Time `json:"cleaned_at"`
}

// RunFolderLog is where the cleaning of kept run folders for the requests of date is recorded,
// under the output folder: publish adds it to the erasure_log table when it publishes that date.
func RunFolderLog(output, date string) string {
	return sink.Join(output, "_erasure_log", "dt="+date+".json")
}

// ReadRunFolderLog reads the run folders' cleaning of the requests of date; none when there is no
// record.
func ReadRunFolderLog(ctx context.Context, output, date string) ([]Cleaning, error) {
	path := RunFolderLog(output, date)
	files, err := sink.List(ctx, path)
	if err != nil || len(files) == 0 {
		return nil, err
	}
	data, err := sink.ReadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	var out []Cleaning
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("publish: erasure log %s: %w", path, err)
	}
	return out, nil
}

// WriteRunFolderLog records the run folders' cleaning of the requests of date, replacing an earlier
// record of the same date.
func WriteRunFolderLog(ctx context.Context, output, date string, entries []Cleaning) error {
	data, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return fmt.Errorf("publish: erasure log: %w", err)
	}
	return sink.WriteBytes(ctx, RunFolderLog(output, date), append(data, '\n'))
}

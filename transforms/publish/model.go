package publish

import (
	"fmt"
	"strings"

	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// Kind is how the warehouse keeps a table from one night to the next.
type Kind string

// The kinds of table. A run holds the whole history of its facts (or, on an incremental night, what
// the night read), so copying every table under the night's date would keep one more copy of the
// clickstream every night; each kind keeps only what its rows mean.
const (
	// Fact tables hold every record once, in the partition of the record's own business day
	// (record_date): each night MERGEs its rows on the natural key, inserting new records and
	// updating changed ones, so a night that re-reads late partitions, or runs in full, adds nothing
	// twice.
	Fact Kind = "fact"
	// Snapshot tables keep one partition per night (snapshot_date), replaced when the night is
	// published again, and expire after a configurable number of days.
	Snapshot Kind = "snapshot"
	// Current tables hold the newest published night only: replaced by the newest night (upserted
	// on their key, for a table read by its changes, when that night is incremental), and left alone
	// when an older night is published again.
	Current Kind = "current"
	// Append tables grow: merge_history by the rows of each night (replaced when the night is
	// published again), erasures by the identifier hashes not seen before.
	Append Kind = "append"
	// Managed tables are the warehouse's own (published_runs, data_tests, erasure_log), written by
	// publish rather than loaded from a run.
	Managed Kind = "managed"
)

// Model is how the warehouse keeps one table of the runs.
type Model struct {
	Kind Kind
	// Key is the natural key: one row per key in a fact, current or append table, and per key and
	// night in a snapshot table (where it is what the unique data test checks).
	Key []string
	// Day is the timestamp column whose business day is a fact's record_date. Empty for a fact
	// that takes the day of its parent (an order line takes its order's).
	Day string
	// Parent is the fact table a fact without a day of its own belongs to, joined on Key[0].
	Parent string
	// Persons are the columns that name a person id, and Identifiers the columns that hold an
	// identifier of the given type (identity.Account ...): what an erasure removes rows by.
	Persons     []string
	Identifiers map[string]string
	// Changes marks a current table whose source is read by its changes: an incremental night holds
	// only the rows that changed, so it is upserted on Key rather than replaced.
	Changes bool
}

// Models says how the warehouse keeps every table a run writes.
var Models = map[string]Model{
	"orders": {
		Kind:        Fact,
		Key:         []string{"order_id"},
		Day:         "created_at",
		Identifiers: map[string]string{"user_id": identity.Account},
	},
	"order_items": {Kind: Fact, Key: []string{"order_id", "line_no"}, Parent: "orders"},
	"events": {
		Kind: Fact,
		Key:  []string{"event_id"},
		Day:  "event_time",
		Identifiers: map[string]string{
			"user_id": identity.Account, "device_id": identity.Device, "anonymous_id": identity.Anonymous},
	},
	"touches": {
		Kind:        Fact,
		Key:         []string{"touch_id"},
		Day:         "touch_time",
		Identifiers: map[string]string{"user_id": identity.Account},
	},
	"reviews": {
		Kind:        Fact,
		Key:         []string{"review_id"},
		Day:         "created_at",
		Identifiers: map[string]string{"user_id": identity.Account},
	},
	"tickets": {
		Kind: Fact,
		Key:  []string{"ticket_id"},
		Day:  "created_at",
		Identifiers: map[string]string{
			"user_id": identity.Account, "ticket_id": identity.Ticket},
	},
	"site_posts": {
		Kind:        Fact,
		Key:         []string{"post_id"},
		Day:         "posted_at",
		Identifiers: map[string]string{"post_id": identity.Post},
	},

	"portraits": {
		Kind:    Snapshot,
		Key:     []string{"person_id"},
		Persons: []string{"person_id"},
	},
	"segment_membership": {
		Kind:    Snapshot,
		Key:     []string{"person_id", "segment"},
		Persons: []string{"person_id"},
	},
	"segment_summary":  {Kind: Snapshot, Key: []string{"segment"}},
	"cluster_profiles": {Kind: Snapshot, Key: []string{"cluster"}},
	"affinity_rules":   {Kind: Snapshot, Key: []string{"level", "rule_id"}},
	"next_best_products": {
		Kind:    Snapshot,
		Key:     []string{"person_id", "rank"},
		Persons: []string{"person_id"},
	},
	"activation": {
		Kind:    Snapshot,
		Key:     []string{"person_id", "segment"},
		Persons: []string{"person_id"},
	},
	"activation_changes": {Kind: Snapshot, Key: []string{"segment", "change", "phone_sha256"},
		Persons: []string{"person_id"}},
	"characteristic_associations": {Kind: Snapshot, Key: []string{"association_id"}},
	"quality":                     {Kind: Snapshot},
	"rejects":                     {Kind: Snapshot},

	"persons": {Kind: Current, Key: []string{"person_id"}, Persons: []string{"person_id"}},
	"identity_map": {
		Kind:    Current,
		Key:     []string{"id_type", "id_hash"},
		Persons: []string{"person_id"},
	},
	"users": {Kind: Current, Key: []string{"user_id"}, Changes: true,
		Identifiers: map[string]string{"user_id": identity.Account}},
	"products":        {Kind: Current, Key: []string{"sku"}, Changes: true},
	"vendor_profiles": {Kind: Current, Key: []string{"vendor", "vendor_key"}},

	"merge_history": {Kind: Append, Key: []string{"date", "old_person_id", "new_person_id"},
		Persons: []string{"old_person_id", "new_person_id"}},
	"erasures": {Kind: Append, Key: []string{"id_hash"}},
}

// The columns the warehouse adds to the runs' tables.
const (
	// RecordDate partitions a fact table: the business day of the record's own time.
	RecordDate = "record_date"
	// LoadedDate ends a fact table's row: the night that last inserted or changed it.
	LoadedDate = "loaded_date"
)

// dateDocs document the date column a table of each kind starts with.
var dateDocs = map[Kind]string{
	Fact: "business day of the record's own time (event time, order creation, ...) in the business " +
		"time zone: the partition of a fact table",
	Snapshot: SnapshotDateDoc,
	Current:  "business day of the night that last wrote the row",
	Append:   "business day of the night that appended the row",
}

// LoadedDateDoc documents loaded_date.
const LoadedDateDoc = "business day of the night that last inserted or changed the row"

// Stored lists the columns as the warehouse keeps them: a fact table's record_date, its columns and
// loaded_date; another run table's snapshot_date and its columns; a managed table's own columns.
func (t Table) Stored() []Column {
	if t.Kind == Managed {
		return t.Columns
	}
	date := Column{Name: SnapshotDate, Doc: dateDocs[t.Kind], Type: Date, Mode: Required}
	if t.Kind == Fact {
		date.Name = RecordDate
	}
	out := append([]Column{date}, t.Columns...)
	if t.Kind == Fact {
		out = append(out, Column{Name: LoadedDate, Doc: LoadedDateDoc, Type: Date, Mode: Required})
	}
	return out
}

// PartitionColumn is the column a table is partitioned by in BigQuery, and filtered by for a night:
// record_date for facts, snapshot_date for the other run tables, none for managed tables.
func (t Table) PartitionColumn() string {
	switch t.Kind {
	case Fact:
		return RecordDate
	case Managed:
		return ""
	}
	return SnapshotDate
}

// The warehouse's own tables.
var (
	// PublishedRuns lists the published nights; a night is visible once its row is written.
	PublishedRuns = Table{Name: "published_runs", Model: Model{Kind: Managed}, Only: Analytics,
		Doc: "one row per published night: a night is visible once its row is written, in the same " +
			"transaction as its tables",
		Columns: []Column{
			{
				Name: SnapshotDate,
				Type: Date,
				Mode: Required,
				Doc:  "business day of the published night",
			},
			{
				Name: "run_id",
				Type: String,
				Mode: Nullable,
				Doc:  "the run's id from its manifest; null for nights published before this table existed",
			},
			{
				Name: "manifest_hash",
				Type: String,
				Mode: Nullable,
				Doc: "SHA-256 (hex) of the run's _MANIFEST.json as published; null for nights published " +
					"before this table existed",
			},
			{
				Name: "published_at",
				Type: Timestamp,
				Mode: Required,
				Doc:  "when the night was switched in, UTC",
			},
			{
				Name: "mode",
				Type: String,
				Mode: Required,
				Doc:  "full or incremental, as the run's manifest says (full when it does not)",
			},
			{
				Name: "reason",
				Type: String,
				Mode: Nullable,
				Doc:  "why the night ran in that mode, from the manifest",
			},
		}}
	// DataTests holds the results of the data tests of every published or refused night.
	DataTests = Table{Name: "data_tests", Model: Model{Kind: Managed}, Only: Analytics,
		Doc: "one row per data test of a night: the tests run on the night's tables before " +
			"they are switched in",
		Columns: []Column{
			{
				Name: SnapshotDate,
				Type: Date,
				Mode: Required,
				Doc:  "business day of the night tested",
			},
			{
				Name: "test",
				Type: String,
				Mode: Required,
				Doc:  "the test and its columns, such as unique(person_id)",
			},
			{Name: "table_name", Type: String, Mode: Required, Doc: "table tested"},
			{
				Name: "severity",
				Type: String,
				Mode: Required,
				Doc:  "error (a failure stops the night) or warn (reported only)",
			},
			{Name: "passed", Type: Bool, Mode: Required, Doc: "true when no row failed the test"},
			{
				Name: "failing_rows",
				Type: Int64,
				Mode: Required,
				Doc:  "rows that fail the test (for a row-count change: the change in rows)",
			},
			{
				Name: "detail",
				Type: String,
				Mode: Nullable,
				Doc:  "what the test found, for people to read",
			},
		}}
	// ErasureLog records when each place holding erased persons was cleaned.
	ErasureLog = Table{Name: "erasure_log", Model: Model{Kind: Managed}, Only: Restricted,
		Doc: "one row per place cleaned of persons who asked to be forgotten: warehouse tables " +
			"and kept run folders",
		Columns: []Column{
			{
				Name: SnapshotDate,
				Type: Date,
				Mode: Required,
				Doc:  "business day of the night whose erasure requests were applied",
			},
			{
				Name: "place",
				Type: String,
				Mode: Required,
				Doc: "what was cleaned: a warehouse table (zone.table) or a run folder's table (run " +
					"dt=YYYY-MM-DD/table)",
			},
			{
				Name: "requests",
				Type: Int64,
				Mode: Required,
				Doc:  "identifier hashes newly erased by this cleaning",
			},
			{Name: "rows_removed", Type: Int64, Mode: Required, Doc: "rows removed from the place"},
			{
				Name: "cleaned_at",
				Type: Timestamp,
				Mode: Required,
				Doc:  "when the place was cleaned, UTC",
			},
		}}
)

// ManagedTables are the warehouse's own tables.
var ManagedTables = []Table{PublishedRuns, DataTests, ErasureLog}

// ManagedIn are the warehouse's own tables zone z holds.
func ManagedIn(z Zone) []Table {
	var out []Table
	for _, t := range ManagedTables {
		if t.Only == z {
			out = append(out, t)
		}
	}
	return out
}

// Action says what publishing the night does to a table of its kind.
func Action(t Table, plan *Plan, set Settings) string {
	switch t.Kind {
	case Fact:
		day := "the business day (" + set.Zone.String() + ") of " + t.Day
		if t.Parent != "" {
			day = "its " + strings.TrimSuffix(t.Parent, "s") + "'s day"
		}
		return fmt.Sprintf(
			"MERGE on %s: new records inserted, changed ones updated; record_date is %s",
			strings.Join(t.Key, ", "),
			day,
		)
	case Snapshot:
		return fmt.Sprintf("partition %s replaced; %d nights kept", plan.Date, set.SnapshotDays)
	case Current:
		if plan.Mode == Incremental && t.Changes {
			return "upserted on " + strings.Join(t.Key, ", ") + " when the night is the newest"
		}
		return "replaced when the night is the newest"
	case Append:
		if t.Name == "erasures" {
			return "identifiers not erased before appended"
		}
		return "the night's rows appended (replaced when the night is published again)"
	}
	return ""
}

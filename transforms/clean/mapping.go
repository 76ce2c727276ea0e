package clean

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/lookup"
	"github.com/shopportraits/portraits/transforms/sources"
)

// Reasons of the column mappings (sources.Mapping) in rejects and quality counts.
const (
	// ReasonUnmapped rejects a record whose required enum field holds a word that is in neither
	// the source's values map nor the field's own words and synonyms; an optional field with such
	// a word is nulled.
	ReasonUnmapped = "unmapped_value"
	// ReasonLookupMiss rejects a record whose value is not a key of the lookup table it maps through.
	ReasonLookupMiss = "lookup_miss"
	// ReasonContinuation counts, as deduplicated, a row that continues the record above it
	// (sources.Source.SkipWhenEmpty).
	ReasonContinuation = "continuation_row"
)

// enumSynonyms are the vocabularies of the enum fields of each kind (sources.EnumFields): what a
// values map may map onto.
var enumSynonyms = map[string]map[string]map[string]string{
	"users":   {"gender": normalize.Genders, "registration_channel": normalize.Channels},
	"orders":  {"status": normalize.OrderStatuses, "channel": normalize.Channels},
	"events":  {"event_type": normalize.EventTypes, "channel": normalize.Channels},
	"touches": {"channel": normalize.TouchChannels, "action": normalize.TouchActions},
	"vendor":  {"income_band": normalize.IncomeBands},
	"tickets": {"category": normalize.TicketCategories, "status": normalize.TicketStatuses},
}

// reshaper applies a source's reshaping mappings to a record's fields before its kind's parser
// reads them: constants, defaults and lookups. Values maps are applied where the parser reads an
// enum field (fields.enum), so an unmapped word is rejected or nulled by the field's own rule.
type reshaper struct {
	consts, defaults, lookups map[string]string // field → constant, default, lookup table
	columns                   map[string]string // field → the source's column, for messages
	skip                      []string          // fields whose empty value marks a continuation row
}

// newReshaper is nil for a source whose mappings only name columns.
func newReshaper(src sources.Source) *reshaper {
	r := &reshaper{
		consts:   map[string]string{},
		defaults: map[string]string{},
		lookups:  map[string]string{},
		columns:  src.Columns,
		skip:     src.SkipWhenEmpty,
	}
	for field, m := range src.Mappings {
		if m.Value != nil {
			r.consts[field] = *m.Value
		}
		if m.Default != nil {
			r.defaults[field] = *m.Default
		}
		if m.Lookup != "" {
			r.lookups[field] = m.Lookup
		}
	}
	if len(r.consts)+len(r.defaults)+len(r.lookups)+len(r.skip) == 0 {
		return nil
	}
	return r
}

// usesLookups reports whether the source maps a field through a lookup table.
func (r *reshaper) usesLookups() bool { return r != nil && len(r.lookups) > 0 }

// continues reports whether the record is a continuation row: a field of skip is empty.
func (r *reshaper) continues(rec ingest.Record) bool {
	for _, field := range r.skip {
		if normalize.Fold(rec.Fields[field]) == "" {
			return true
		}
	}
	return false
}

// apply returns the record's fields with constants set, defaults filled and lookups replaced (a
// copy: the record is left as it is), or why the record cannot be used.
func (r *reshaper) apply(rec ingest.Record, tables lookup.Tables) (map[string]string, *invalid) {
	out := make(map[string]string, len(rec.Fields)+len(r.consts))
	for k, v := range rec.Fields {
		out[k] = v
	}
	for field, v := range r.defaults {
		if normalize.Fold(out[field]) == "" {
			out[field] = v
		}
	}
	for field, v := range r.consts {
		out[field] = v
	}
	for _, field := range sortedFields(r.lookups) {
		table := r.lookups[field]
		key := normalize.Fold(out[field])
		if key == "" {
			continue // an empty value stays empty: the field's own rule decides
		}
		v, ok := tables.Get(table, key)
		if !ok {
			return nil, &invalid{reason: ReasonLookupMiss,
				detail: fmt.Sprintf(
					"%s %q (column %s) is not a key of lookup %s",
					field,
					key,
					r.columns[field],
					table,
				)}
		}
		out[field] = v
	}
	return out, nil
}

// sortedFields are a map's fields in order, so the first problem found is the same on every run.
func sortedFields(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// valueMaps folds the keys of a source's values maps as enum fields fold what they read, and
// checks that every word it maps onto is one of the field's words or synonyms; the error names
// the config file and the mapping's line.
func valueMaps(cfg *sources.Config, src sources.Source) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, field := range sortedMappings(src.Mappings) {
		m := src.Mappings[field]
		if m.Values == nil {
			continue
		}
		vocab, ok := enumSynonyms[src.Kind][field]
		if !ok {
			return nil, fmt.Errorf(
				"sources config %s, line %d, source %q: %s has no vocabulary to map onto",
				cfg.File,
				m.Line,
				src.Name,
				field,
			)
		}
		folded := map[string]string{}
		for their, our := range m.Values {
			if _, ok := normalize.Enum(our, vocab); !ok {
				return nil, fmt.Errorf(
					"sources config %s, line %d, source %q, column mapping of %s: values: %q maps onto %q, "+
						"which is not a value of %s (%s)",
					cfg.File,
					m.Line,
					src.Name,
					field,
					their,
					our,
					field,
					strings.Join(canonical(vocab), ", "),
				)
			}
			folded[strings.ToLower(normalize.Fold(their))] = our
		}
		out[field] = folded
	}
	return out, nil
}

func sortedMappings(m map[string]sources.Mapping) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// canonical are the values a synonym map gives, sorted (the empty one of gender left out).
func canonical(vocab map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vocab {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

package clean

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/sources"
)

// invalid is why a record is rejected: a reason code and a readable detail.
type invalid struct {
	reason, detail string
}

// fields reads one record's canonical fields for a parser. The first problem that makes the record
// unusable is kept in err; an optional field whose value is unusable is dropped and named in
// nulled.
type fields struct {
	rec    ingest.Record
	env    *env
	err    *invalid
	nulled []string
}

func (f *fields) fail(reason, format string, args ...any) {
	if f.err == nil {
		f.err = &invalid{reason: reason, detail: fmt.Sprintf(format, args...)}
	}
}

// str is the field's value, width-folded and trimmed.
func (f *fields) str(name string) string { return normalize.Fold(f.rec.Fields[name]) }

// required is str, rejecting the record when the value is empty.
func (f *fields) required(name string) string {
	v, _ := f.present(name, true)
	return v
}

// present returns the field's value and whether there is one; an empty required field rejects the
// record.
func (f *fields) present(name string, required bool) (string, bool) {
	raw := f.str(name)
	if raw == "" && required {
		f.fail("missing_"+name, "%s is empty", name)
	}
	return raw, raw != ""
}

// null records that an optional field's value was dropped.
func (f *fields) null(name string) { f.nulled = append(f.nulled, name) }

// time parses a timestamp in the source's zone. A time after the run's horizon is rejected as a
// date in the future when the field is required, and dropped otherwise.
func (f *fields) time(name string, required bool) int64 {
	raw, ok := f.present(name, required)
	if !ok {
		return 0
	}
	t, err := normalize.Timestamp(raw, f.env.loc)
	switch {
	case err != nil:
		f.bad(name, required, "invalid_"+name, err.Error())
		return 0
	case t > f.env.horizon:
		f.bad(name, required, "future_"+name, fmt.Sprintf("%s %q is after the run date", name, raw))
		return 0
	}
	return t
}

// bad rejects the record for a required field, or drops an optional field's value.
func (f *fields) bad(name string, required bool, reason, detail string) {
	if required {
		f.fail(reason, "%s", detail)
		return
	}
	f.null(name)
}

// money parses an amount in the currency's minor units (fen, cents); negative amounts are invalid.
func (f *fields) money(name string, required bool) int64 {
	raw, ok := f.present(name, required)
	if !ok {
		return 0
	}
	fen, err := normalize.MinorUnits(
		raw,
		f.env.currency,
		f.env.digits,
		f.env.src.MoneyUnit != sources.MoneyMinor,
	)
	switch {
	case err != nil:
		f.bad(name, required, "invalid_"+name, err.Error())
		return 0
	case fen < 0:
		f.bad(name, required, "negative_"+name, fmt.Sprintf("%s %q is negative", name, raw))
		return 0
	}
	return fen
}

// enum maps the value through the source's values map, if it has one for the field, then through
// synonyms; an unknown value rejects a required field (unknown_<field>, or unmapped_value when the
// source maps the field's words) and nulls an optional one.
func (f *fields) enum(name string, synonyms map[string]string, required bool) string {
	raw, ok := f.present(name, required)
	if !ok {
		return ""
	}
	word := raw
	values := f.env.values[name]
	if ours, ok := values[strings.ToLower(raw)]; ok {
		word = ours
	}
	v, ok := normalize.Enum(word, synonyms)
	switch {
	case !ok && values != nil:
		f.bad(
			name,
			required,
			ReasonUnmapped,
			fmt.Sprintf(
				"%s %q is in neither the source's values map nor the known values",
				name,
				raw,
			),
		)
		return ""
	case !ok:
		f.bad(name, required, "unknown_"+name, fmt.Sprintf("%s %q is not a known value", name, raw))
		return ""
	}
	return v
}

// integer parses a whole number within [lo, hi].
func (f *fields) integer(name string, required bool, lo, hi int64) int64 {
	raw, ok := f.present(name, required)
	if !ok {
		return 0
	}
	n, err := normalize.Int(raw)
	switch {
	case err != nil:
		f.bad(name, required, "invalid_"+name, err.Error())
		return 0
	case n < lo || n > hi:
		f.bad(
			name,
			required,
			"out_of_range_"+name,
			fmt.Sprintf("%s %d is outside [%d, %d]", name, n, lo, hi),
		)
		return 0
	}
	return n
}

// phone normalises to E.164, dropping a value that is no valid number.
func (f *fields) phone(name string) string {
	raw := f.str(name)
	if raw == "" {
		return ""
	}
	p, err := normalize.Phone(raw, f.env.phoneRegion)
	if err != nil {
		f.null(name)
		return ""
	}
	return p
}

// email normalises an address, dropping a value that is no valid address.
func (f *fields) email(name string) string {
	raw := f.str(name)
	if raw == "" {
		return ""
	}
	e, err := normalize.Email(raw)
	if err != nil {
		f.null(name)
		return ""
	}
	return e
}

// text is free text, width-folded, with phones, e-mails and ID numbers masked.
func (f *fields) text(name string) string { return normalize.MaskPII(f.str(name)) }

// list splits a multi-valued field on | , ; or 、 into sorted unique values.
func (f *fields) list(name string) []string {
	raw := f.str(name)
	parts := strings.FieldsFunc(raw, func(r rune) bool { return strings.ContainsRune("|,;、，；", r) })
	seen := map[string]bool{}
	out := []string{}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// identifierHash is the salted hash of an identifier of the given type (package identity) as the
// identity map writes it (identity_map.id_hash), empty for an empty value.
func (f *fields) identifierHash(typ, v string) string {
	if v == "" {
		return ""
	}
	return normalize.Hash(f.env.salt, identity.Key(typ, v))
}

// hash is the salted hash of a normalised identifier, empty for an empty value.
func (f *fields) hash(v string) string {
	if v == "" {
		return ""
	}
	return normalize.Hash(f.env.salt, v)
}

package publish

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// Forgotten recognises the identifiers of persons who asked to be forgotten: it holds the salted
// hashes of all their identifiers, as the identity map writes them, and hashes a raw value (an
// account id, a device id ...) with the salt to compare.
type Forgotten struct {
	salt   string
	hashes map[string]bool
	seen   map[string]bool
}

// NewForgotten recognises the identifiers whose identity-map hashes are given.
func NewForgotten(salt string, hashes []string) *Forgotten {
	f := &Forgotten{salt: salt, hashes: map[string]bool{}, seen: map[string]bool{}}
	for _, h := range hashes {
		f.hashes[h] = true
	}
	return f
}

// Owns reports whether the raw value of an identifier of type typ (identity.Account ...) is one of
// the forgotten identifiers. A value already written as its identity-map hash matches too.
func (f *Forgotten) Owns(typ, value string) bool {
	if value == "" {
		return false
	}
	key := identity.Key(typ, value)
	if owned, ok := f.seen[key]; ok {
		return owned
	}
	owned := f.hashes[value] || f.hashes[normalize.Hash(f.salt, key)]
	f.seen[key] = owned
	return owned
}

// Empty reports whether no identifier is forgotten.
func (f *Forgotten) Empty() bool { return len(f.hashes) == 0 }

// Match is a condition on a column: it holds one of Values.
type Match struct {
	Column string
	Values []string
}

// Lookup asks for the distinct values of a column of a published table (as the restricted zone
// holds it when it does, else as analytics does) among the rows that satisfy every match of All
// and, when Any has matches, at least one of those.
type Lookup struct {
	Table, Column string
	All, Any      []Match
}

// Distinct answers a Lookup with the distinct non-null, non-empty values, in any order. A table not
// published yet gives none.
type Distinct func(ctx context.Context, l Lookup) ([]string, error)

// Erased is what tonight's new erasure requests remove from the published tables.
type Erased struct {
	// Requests are the identifier hashes erased for the first time.
	Requests []string
	// Persons are the ids of the persons who own them, with the ids they held before a merge.
	Persons []string
	// Values are their identifiers' raw values as the fact and current tables hold them, by
	// identifier type (identity.Account ...).
	Values map[string][]string
	// Orders are the ids of their orders, whose lines go with them.
	Orders []string
}

// maxRounds bounds the rounds that follow devices and cookies from one event to the next.
const maxRounds = 10

// FindErased finds, in the published tables, the persons who own the newly requested identifier
// hashes and every identifier of theirs: the persons of the current identity map (before tonight
// replaces it) and the ids they merged from (merge_history); their accounts among the published
// users; the devices and cookies of their events (followed from event to event: a cookie seen with
// one of their devices ...); their tickets and review-site posts. A raw value counts when its
// salted hash is one of the persons' identity-map hashes, so the salt must be the runs'.
func FindErased(
	ctx context.Context,
	distinct Distinct,
	salt string,
	requests []string,
) (Erased, error) {
	e := Erased{Requests: requests, Values: map[string][]string{}}
	if len(requests) == 0 {
		return e, nil
	}
	if salt == "" {
		return e, fmt.Errorf(
			"erasing %d identifiers from the published tables needs the runs' salt",
			len(requests),
		)
	}
	persons, err := distinct(ctx, Lookup{Table: "identity_map", Column: "person_id",
		All: []Match{{"id_hash", requests}}})
	if err != nil {
		return e, fmt.Errorf("erasure: persons: %w", err)
	}
	if len(persons) == 0 {
		return e, nil
	}
	hashes, err := distinct(ctx, Lookup{Table: "identity_map", Column: "id_hash",
		All: []Match{{"person_id", persons}}})
	if err != nil {
		return e, fmt.Errorf("erasure: identifiers: %w", err)
	}
	f := NewForgotten(salt, hashes)
	all := set(persons)
	// Only merges: a person split from another leaves the other's history under its own id.
	for fresh := persons; len(fresh) > 0; {
		older, err := distinct(ctx, Lookup{Table: "merge_history", Column: "old_person_id",
			All: []Match{{"new_person_id", fresh}, {"reason", []string{"merge"}}}})
		if err != nil {
			return e, fmt.Errorf("erasure: merge history: %w", err)
		}
		fresh = added(all, older)
	}
	e.Persons = sorted(all)
	owned := func(typ, table, column string, any []Match) ([]string, error) {
		if any != nil && len(nonEmpty(any)) == 0 {
			return nil, nil
		}
		vals, err := distinct(ctx, Lookup{Table: table, Column: column, Any: nonEmpty(any)})
		if err != nil {
			return nil, fmt.Errorf("erasure: %s.%s: %w", table, column, err)
		}
		var out []string
		for _, v := range vals {
			if f.Owns(typ, v) {
				out = append(out, v)
			}
		}
		return out, nil
	}
	accounts, err := owned(identity.Account, "users", "user_id", nil)
	if err != nil {
		return e, err
	}
	e.Values[identity.Account] = accounts
	devices, cookies := map[string]bool{}, map[string]bool{}
	for round := 0; ; round++ {
		if round == maxRounds {
			return e, fmt.Errorf(
				"erasure: devices and cookies still growing after %d rounds",
				maxRounds,
			)
		}
		m := []Match{
			{"user_id", accounts},
			{"device_id", sorted(devices)},
			{"anonymous_id", sorted(cookies)},
		}
		d, err := owned(identity.Device, "events", "device_id", m)
		if err != nil {
			return e, err
		}
		c, err := owned(identity.Anonymous, "events", "anonymous_id", m)
		if err != nil {
			return e, err
		}
		if len(added(devices, d))+len(added(cookies, c)) == 0 {
			break
		}
	}
	e.Values[identity.Device], e.Values[identity.Anonymous] = sorted(devices), sorted(cookies)
	if e.Values[identity.Ticket], err = owned(identity.Ticket, "tickets", "ticket_id",
		nil); err != nil {
		return e, err
	}
	if e.Values[identity.Post], err = owned(identity.Post, "site_posts", "post_id", nil); err != nil {
		return e, err
	}
	if len(accounts) > 0 {
		e.Orders, err = distinct(
			ctx,
			Lookup{Table: "orders", Column: "order_id", All: []Match{{"user_id", accounts}}},
		)
		if err != nil {
			return e, fmt.Errorf("erasure: orders: %w", err)
		}
	}
	return e, nil
}

// Matches are the conditions that pick a table's rows of the erased persons (a row goes when it
// satisfies any), or none when the table holds nothing of theirs.
func (e Erased) Matches(t Table) []Match {
	var out []Match
	add := func(col string, vals []string) {
		if len(vals) > 0 {
			out = append(out, Match{col, vals})
		}
	}
	for _, c := range t.Persons {
		add(c, e.Persons)
	}
	cols := make([]string, 0, len(t.Identifiers))
	for c := range t.Identifiers {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		add(c, e.Values[t.Identifiers[c]])
	}
	if t.Parent == "orders" {
		add(t.Key[0], e.Orders)
	}
	return out
}

// nonEmpty drops the matches without values, which no row satisfies.
func nonEmpty(ms []Match) []Match {
	out := []Match{}
	for _, m := range ms {
		if len(m.Values) > 0 {
			out = append(out, m)
		}
	}
	return out
}

func set(vals []string) map[string]bool {
	out := map[string]bool{}
	for _, v := range vals {
		out[v] = true
	}
	return out
}

// added adds vals to s and returns those that were new.
func added(s map[string]bool, vals []string) []string {
	var out []string
	for _, v := range vals {
		if !s[v] {
			s[v] = true
			out = append(out, v)
		}
	}
	return out
}

func sorted(s map[string]bool) []string {
	out := make([]string, 0, len(s))
	for v := range s {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

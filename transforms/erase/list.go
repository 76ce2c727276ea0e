// Package erase removes the persons who asked to be forgotten from every output of a night: the
// cleaned tables, the identity map, the persons, portraits, segments, activation lists and the
// baskets that affinity rules are mined from. The request list holds identifiers (an account id, a
// phone, an e-mail ...); it is hashed with the run's salt as soon as it is read, so no raw value
// travels with the pipeline, and the hashes are kept in the run's `erasures` table so that every
// later night forgets the same persons without the list being given again.
package erase

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// requestTypes are the identifier types a request may name, and how their values are normalised
// as the clean stage does (a phone without a country code in the sources' phone region).
var requestTypes = map[string]func(v, phoneRegion string) (string, error){
	identity.Account:   trimmed,
	identity.Phone:     normalize.Phone,
	identity.Email:     func(v, _ string) (string, error) { return normalize.Email(v) },
	identity.Device:    trimmed,
	identity.Anonymous: trimmed,
}

func trimmed(v, _ string) (string, error) { return strings.TrimSpace(v), nil }

// Parse reads an erasure request list: one `type,value` per line (types account, phone, email,
// device, anonymous; a header line `type,value` and blank lines or lines starting with # are
// skipped), and returns the salted hashes of the identifiers, sorted and distinct, as the identity
// map writes them; a phone without a country code is read in phoneRegion, as the sources config
// reads its phones. A bad line is an error naming the file and line; the value itself is never
// repeated in the error.
func Parse(r io.Reader, name, salt, phoneRegion string) ([]string, error) {
	var hashes []string
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") ||
			(line == 1 && strings.EqualFold(text, "type,value")) {
			continue
		}
		typ, value, ok := strings.Cut(text, ",")
		typ = strings.ToLower(strings.TrimSpace(typ))
		norm, known := requestTypes[typ]
		if !ok || !known {
			return nil, fmt.Errorf(
				"erase list %s line %d: want type,value with type one of account, phone, "+
					"email, device, anonymous",
				name,
				line,
			)
		}
		v, err := norm(value, phoneRegion)
		if err != nil || v == "" {
			return nil, fmt.Errorf("erase list %s line %d: the %s cannot be read", name, line, typ)
		}
		hashes = append(hashes, normalize.Hash(salt, identity.Key(typ, v)))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("erase list %s: %w", name, err)
	}
	slices.Sort(hashes)
	return slices.Compact(hashes), nil
}

// Load reads an erasure request file (see Parse).
func Load(path, salt, phoneRegion string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("erase list: %w", err)
	}
	defer f.Close()
	return Parse(f, path, salt, phoneRegion)
}

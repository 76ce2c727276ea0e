package resolve

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// Config holds the guards and the matching settings of identity resolution. The zero value is not
// usable: start from DefaultConfig, or LoadConfig a YAML file over it.
type Config struct {
	// Blocklist holds, per identifier type, regular expressions over the normalised value: a value
	// that matches is junk (a placeholder phone, a test e-mail, an all-zero device id) and links
	// nothing. Empty values never link.
	Blocklist map[string][]string `yaml:"blocklist"`
	// MaxAccounts caps, per identifier type, the accounts an identifier may be seen with: a device
	// shared by more accounts than this links nobody (a family tablet, a shop's demo phone).
	MaxAccounts map[string]int `yaml:"max_accounts"`
	// MaxLinks caps the identifiers one identifier may be linked to without an account (tickets
	// naming one phone, matches of one account): a hub beyond it links nobody.
	MaxLinks int `yaml:"max_links"`
	// MaxAccountsPerPerson caps the accounts of one person: a component with more is cut again,
	// joining identifier types in priority order (identity.Types) while the cap holds.
	MaxAccountsPerPerson int `yaml:"max_accounts_per_person"`
	// Rounds bounds the rounds of the connected-components algorithm; a graph that has not
	// converged by then fails the run rather than publish half-resolved persons.
	Rounds int `yaml:"rounds"`
	// Match configures the probabilistic matching of tickets and review-site posts to accounts.
	Match MatchConfig `yaml:"match"`
}

// MatchConfig configures the Fellegi-Sunter models that link weak records to accounts.
type MatchConfig struct {
	// Threshold is the match probability at or above which a weak record joins its best account.
	Threshold float64 `yaml:"threshold"`
	// RandomPairs is how many random record pairs initialise the u probabilities.
	RandomPairs int `yaml:"random_pairs"`
	// MaxBlock skips blocks with more accounts than this (a key too common to discriminate).
	MaxBlock int `yaml:"max_block"`
	// MaxAccountBlock bounds, when accounts are matched with each other, the accounts compared
	// pairwise under one name or handle: one that more accounts share ("王伟", a stock nickname) is
	// compared only within each birth year, and a year still above the bound is skipped. Its
	// namesakes grow with the customer base and its pairs with their square; the weight of a
	// common name is low anyway (the term-frequency adjustment).
	MaxAccountBlock int `yaml:"max_account_block"`
	// MaxIterations and Tolerance bound the EM estimation.
	MaxIterations int     `yaml:"max_iterations"`
	Tolerance     float64 `yaml:"tolerance"`
	// Seed makes the random pairs reproducible.
	Seed uint64 `yaml:"seed"`
}

// DefaultConfig is what the nightly job uses without a config file.
func DefaultConfig() Config {
	return Config{
		Blocklist: map[string][]string{
			// Placeholder phones: the 138/139 test numbers, 12345678901 and numbers whose last
			// eight digits are all one digit.
			identity.Phone: {
				`^\+86(13800000000|13900000000|12345678901)$`,
				`(0{8}|1{8}|2{8}|3{8}|4{8}|5{8}|6{8}|7{8}|8{8}|9{8})$`,
			},
			identity.Email: {
				`^(test|null|none|noreply|no-reply|nobody|abc|a|xxx)@`,
				`@(example\.(com|org|net)|test\.com|localhost)$`,
			},
			identity.Device:    {`^[0-]+$`, `^(null|none|unknown|undefined|nil|-1|default)$`},
			identity.Anonymous: {`^[0-]+$`, `^(null|none|unknown|undefined|nil|-1|default)$`},
			identity.Account:   {`^(0+|null|none|undefined|-1)$`},
		},
		MaxAccounts: map[string]int{
			identity.Phone: 3, identity.Email: 3, identity.Device: 3, identity.Anonymous: 3,
			identity.Ticket: 1,
		},
		MaxLinks:             20,
		MaxAccountsPerPerson: 3,
		Rounds:               8,
		Match: MatchConfig{
			Threshold:       0.95,
			RandomPairs:     200_000,
			MaxBlock:        2000,
			MaxAccountBlock: 8,
			MaxIterations:   200,
			Tolerance:       1e-6,
			Seed:            1,
		},
	}
}

// LoadConfig reads a YAML file over DefaultConfig; "" gives the defaults. A setting the file gives
// replaces the default, maps whole (a `blocklist` in the file is the whole blocklist); a setting it
// leaves out, or sets to null, keeps the default. Unknown keys, unknown identifier types, bad
// expressions and values out of range are errors naming the file.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	if path == "" {
		return cfg, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("resolve config: %w", err)
	}
	var file Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && err != io.EOF {
		return Config{}, fmt.Errorf("resolve config %s: %w", path, err)
	}
	if file.Blocklist != nil {
		cfg.Blocklist = file.Blocklist
	}
	if file.MaxAccounts != nil {
		cfg.MaxAccounts = file.MaxAccounts
	}
	// Scalars decode over the defaults, so that an explicit zero is seen (and refused).
	dec = yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&scalars{&cfg}); err != nil && err != io.EOF {
		return Config{}, fmt.Errorf("resolve config %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("resolve config %s: %w", path, err)
	}
	return cfg, nil
}

// Validate checks the identifier types, the expressions and the bounds.
func (c Config) Validate() error {
	for typ, exprs := range c.Blocklist {
		if !slices.Contains(identity.Types, typ) {
			return fmt.Errorf(
				"blocklist: unknown identifier type %q (want one of %v)",
				typ,
				identity.Types,
			)
		}
		for _, e := range exprs {
			if _, err := regexp.Compile(e); err != nil {
				return fmt.Errorf("blocklist %s: %w", typ, err)
			}
		}
	}
	for typ, n := range c.MaxAccounts {
		if !slices.Contains(identity.Types, typ) || typ == identity.Account {
			return fmt.Errorf("max_accounts: %q is not an identifier type that accounts share", typ)
		}
		if n < 1 || n > keepMax {
			return fmt.Errorf("max_accounts %s: %d, want 1 to %d", typ, n, keepMax)
		}
	}
	if c.MaxLinks < 1 || c.MaxLinks > keepMax {
		return fmt.Errorf("max_links: %d, want 1 to %d", c.MaxLinks, keepMax)
	}
	if c.MaxAccountsPerPerson < 1 {
		return fmt.Errorf("max_accounts_per_person: %d, want at least 1", c.MaxAccountsPerPerson)
	}
	if c.Rounds < 1 || c.Rounds > 64 {
		return fmt.Errorf("rounds: %d, want 1 to 64", c.Rounds)
	}
	m := c.Match
	if !(m.Threshold > 0 && m.Threshold < 1) || m.RandomPairs < 1 || m.MaxBlock < 1 {
		return fmt.Errorf("match: threshold must be in (0,1), random_pairs and max_block positive")
	}
	if m.MaxAccountBlock < 2 || m.MaxAccountBlock > m.MaxBlock {
		return fmt.Errorf(
			"match: max_account_block: %d, want 2 to max_block (%d)",
			m.MaxAccountBlock,
			m.MaxBlock,
		)
	}
	if m.MaxIterations < 1 || !(m.Tolerance > 0 && m.Tolerance < 1) {
		return fmt.Errorf("match: max_iterations must be positive and tolerance in (0,1)")
	}
	return nil
}

// scalars decodes a config file's settings other than its maps into a Config (maps are taken
// whole by LoadConfig).
type scalars struct{ c *Config }

func (s *scalars) UnmarshalYAML(n *yaml.Node) error {
	var plain struct {
		Blocklist            yaml.Node   `yaml:"blocklist"`
		MaxAccounts          yaml.Node   `yaml:"max_accounts"`
		MaxLinks             *int        `yaml:"max_links"`
		MaxAccountsPerPerson *int        `yaml:"max_accounts_per_person"`
		Rounds               *int        `yaml:"rounds"`
		Match                MatchConfig `yaml:"match"`
	}
	plain.Match = s.c.Match
	if err := n.Decode(&plain); err != nil {
		return err
	}
	for dst, src := range map[*int]*int{
		&s.c.MaxLinks: plain.MaxLinks, &s.c.MaxAccountsPerPerson: plain.MaxAccountsPerPerson,
		&s.c.Rounds: plain.Rounds} {
		if src != nil {
			*dst = *src
		}
	}
	s.c.Match = plain.Match
	return nil
}

// blocklist is the compiled Blocklist.
type blocklist map[string][]*regexp.Regexp

func (c Config) compileBlocklist() (blocklist, error) {
	out := blocklist{}
	for typ, exprs := range c.Blocklist {
		for _, e := range exprs {
			re, err := regexp.Compile(e)
			if err != nil {
				return nil, fmt.Errorf("resolve blocklist %s: %w", typ, err)
			}
			out[typ] = append(out[typ], re)
		}
	}
	return out, nil
}

// junk reports whether a value of the type is on the blocklist.
func (b blocklist) junk(typ, value string) bool {
	for _, re := range b[typ] {
		if re.MatchString(value) {
			return true
		}
	}
	return false
}

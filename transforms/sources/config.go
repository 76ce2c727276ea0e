// Package sources loads and checks the sources config: the YAML file that lists each logical source
// (name, path glob, format, encoding, column mapping) the nightly job reads.
package sources

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/currency"
	"gopkg.in/yaml.v3"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
)

// Formats the ingest stage reads.
const (
	FormatCSV     = "csv"
	FormatJSONL   = "jsonl"
	FormatParquet = "parquet"
)

// Config is the whole sources file.
type Config struct {
	// BusinessTimezone is the zone of the business day and of hour-of-day figures (default
	// Asia/Shanghai).
	BusinessTimezone string `yaml:"business_timezone"`
	// BusinessTimezoneSet says the file names business_timezone rather than taking the default
	// (the run report's language follows a zone the file names).
	BusinessTimezoneSet bool `yaml:"-"`
	// Rules are the explicit filters for bot traffic and test accounts.
	Rules Rules `yaml:"rules"`
	// Sources are the inputs, read in this order.
	Sources []Source `yaml:"sources"`
	// Lookups are small key/value tables that column mappings look values up in.
	Lookups []LookupTable `yaml:"lookups,omitempty"`
	// Currency is the ISO 4217 code of every amount (default CNY); amounts are integers in its
	// minor unit (fen, cents; yen have none).
	Currency string `yaml:"currency,omitempty"`
	// PurchaseTime is the order time that dates a purchase: created_at (default: the day the
	// order was placed) or paid_at.
	PurchaseTime string `yaml:"purchase_time,omitempty"`
	// PhoneRegion is the ISO 3166 region whose numbering a phone written without a country code
	// follows (default CN): US for a shop whose customers write (212) 555-0101.
	PhoneRegion string `yaml:"phone_region,omitempty"`

	// Dir is the absolute folder of the config file (Load); relative source paths are resolved
	// against it.
	Dir string `yaml:"-"`
	// File is where the config was read from, for messages.
	File string `yaml:"-"`
}

// Rules are the documented filters of the clean stage.
type Rules struct {
	// BotUserAgents are case-insensitive regular expressions; an event whose user agent matches is bot
	// traffic.
	BotUserAgents []string `yaml:"bot_user_agents"`
	// TestEmailDomains mark accounts whose e-mail is in one of these domains as test accounts.
	TestEmailDomains []string `yaml:"test_email_domains"`
	// TestNamePatterns are case-insensitive regular expressions over the account name marking test
	// accounts.
	TestNamePatterns []string `yaml:"test_name_patterns"`
	// TestPhones are E.164 phones reserved for testing.
	TestPhones []string `yaml:"test_phones"`
}

// Source is one logical input.
type Source struct {
	Name     string `yaml:"name"`
	Kind     string `yaml:"kind"`
	Format   string `yaml:"format"`
	Path     string `yaml:"path"`
	Encoding string `yaml:"encoding"` // utf-8 (default, BOM allowed), gbk or gb18030; CSV only
	// Gzip says the text files are gzip-compressed; inferred from a .gz suffix when not set.
	Gzip bool `yaml:"gzip"`
	// Multiline says CSV fields may hold newlines, so a CSV file is never split by bytes.
	Multiline bool `yaml:"multiline"`
	// MaxRecordLines is how many lines one record of a multiline source may span (default 50): a
	// quoted field still open after them is taken for a stray quote, and the record is rejected
	// as its first line alone.
	MaxRecordLines int `yaml:"max_record_lines"`
	// Timezone is the zone of timestamps written without one (default UTC).
	Timezone string `yaml:"timezone"`
	// MoneyUnit is major (default, decimals allowed: yuan, reais) or minor (integers: fen,
	// centavos); yuan and fen are read as major and minor.
	MoneyUnit string `yaml:"money_unit"`
	// Optional lets the run go on when no file matches the path.
	Optional bool `yaml:"optional"`
	// SplitBytes splits uncompressed text files into ranges of about this many bytes (default 64 MiB).
	SplitBytes int64 `yaml:"split_bytes"`
	// Mappings says where each canonical field of the kind comes from (see Mapping): the YAML
	// `columns`. After Load every field has one.
	Mappings map[string]Mapping `yaml:"columns"`
	// Columns maps every canonical field to the source's column the readers take it from, ""
	// for none (a constant, a total from lines, a field left unread); made from Mappings.
	Columns map[string]string `yaml:"-"`
	// SkipWhenEmpty names fields whose empty value marks a row that continues the record above
	// it rather than being one (Shopify's orders export fills an order's fields on the first of
	// its line-item rows only): such a row is counted as deduplicated, reason continuation_row.
	SkipWhenEmpty []string `yaml:"skip_when_empty,omitempty"`
	// Grows says how the source's data grows from night to night: GrowsAppend, GrowsChanges or
	// GrowsSnapshot (the default). Append and changes sources keep their files in daily
	// partitions, a `dt=YYYY-MM-DD` folder in the path, so a night can read only the new ones.
	Grows string `yaml:"grows"`
	// LateDays is how many partitions before the previous run's date an incremental night reads
	// again, for files that land late (default DefaultLateDays).
	LateDays *int `yaml:"late_days"`
	// MaxRejectRate is the data-quality gate on the share of the source's records read that any
	// stage rejected, 0 to 1; nil takes DefaultMaxRejectRate (see RejectRateLimit).
	MaxRejectRate *float64 `yaml:"max_reject_rate"`
	// MinRows is the data-quality gate on the records the source gives its table after every
	// stage; nil takes 1 for a required source and 0 for an optional one (see RowsMinimum).
	MinRows *int64 `yaml:"min_rows"`
	// Declared holds the fields the config file maps itself, as opposed to those that default to
	// a column of their own name: a declared column that no record holds is worth a warning.
	Declared map[string]bool `yaml:"-"`

	// Line is where the source is declared in the config file.
	Line int `yaml:"-"`
}

// DefaultSplitBytes is the byte range of one read task over an uncompressed text file.
const DefaultSplitBytes = 64 << 20

// DefaultMaxRejectRate is the share of a source's records that may be rejected before the night
// fails its data-quality gate.
const DefaultMaxRejectRate = 0.2

// RejectRateLimit is the source's max_reject_rate, or DefaultMaxRejectRate when not set.
func (s *Source) RejectRateLimit() float64 {
	if s.MaxRejectRate == nil {
		return DefaultMaxRejectRate
	}
	return *s.MaxRejectRate
}

// RowsMinimum is the source's min_rows, or when not set 1 for a required source (a night that
// lost every row of it must not look good) and 0 for an optional one.
func (s *Source) RowsMinimum() int64 {
	switch {
	case s.MinRows != nil:
		return *s.MinRows
	case s.Optional:
		return 0
	}
	return 1
}

// DefaultMaxRecordLines is how many lines a record of a multiline source may span by default.
const DefaultMaxRecordLines = 50

// Load reads and checks a sources config. Every error names the file and, where it can, the line.
func Load(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("sources config: %w", err)
	}
	cfg, err := Parse(data, file)
	if err != nil {
		return nil, err
	}
	// Relative paths are resolved here, on the launcher: workers run elsewhere.
	if cfg.Dir, err = filepath.Abs(filepath.Dir(file)); err != nil {
		return nil, fmt.Errorf("sources config %s: %w", file, err)
	}
	return cfg, nil
}

// Parse decodes and checks a sources config held in memory; file is used in messages only.
func Parse(data []byte, file string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("sources config %s: %w", file, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("sources config %s: %w", file, err)
	}
	cfg.File = file
	setLines(&root, &cfg)
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// setLines records where each source is declared, for messages.
func setLines(root *yaml.Node, cfg *Config) {
	if len(root.Content) == 0 {
		return
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		switch doc.Content[i].Value {
		case "sources":
			for j, item := range doc.Content[i+1].Content {
				if j < len(cfg.Sources) {
					cfg.Sources[j].Line = item.Line
				}
			}
		case "lookups":
			for j, item := range doc.Content[i+1].Content {
				if j < len(cfg.Lookups) {
					cfg.Lookups[j].Line = item.Line
				}
			}
		}
	}
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (c *Config) check() error {
	c.BusinessTimezoneSet = c.BusinessTimezone != ""
	if c.BusinessTimezone == "" {
		c.BusinessTimezone = "Asia/Shanghai"
	}
	if _, err := time.LoadLocation(c.BusinessTimezone); err != nil {
		return fmt.Errorf("sources config %s: business_timezone: %w", c.File, err)
	}
	if err := c.Rules.check(); err != nil {
		return fmt.Errorf("sources config %s: rules: %w", c.File, err)
	}
	if err := c.checkMoneyAndTime(); err != nil {
		return fmt.Errorf("sources config %s: %w", c.File, err)
	}
	if len(c.Sources) == 0 {
		return fmt.Errorf("sources config %s: no sources", c.File)
	}
	tables := map[string]bool{}
	for i := range c.Lookups {
		l := &c.Lookups[i]
		where := fmt.Sprintf("sources config %s, line %d, lookup %q", c.File, l.Line, l.Name)
		if tables[l.Name] {
			return fmt.Errorf("%s: name already used", where)
		}
		tables[l.Name] = true
		if err := l.check(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	seen := map[string]int{}
	for i := range c.Sources {
		s := &c.Sources[i]
		where := fmt.Sprintf("sources config %s, line %d, source %q", c.File, s.Line, s.Name)
		if !nameRE.MatchString(s.Name) {
			return fmt.Errorf("%s: name must be lower-case letters, digits and _", where)
		}
		if prev, dup := seen[s.Name]; dup {
			return fmt.Errorf("%s: name already used at line %d", where, prev)
		}
		seen[s.Name] = s.Line
		if err := s.check(tables); err != nil {
			var me *mappingError
			if errors.As(err, &me) {
				return fmt.Errorf("sources config %s, line %d, source %q, column mapping of %s: %w",
					c.File, me.line, s.Name, me.field, me.err)
			}
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// checkMoneyAndTime checks and fills the currency, the phone region and the purchase-time rule.
func (c *Config) checkMoneyAndTime() error {
	if c.Currency == "" {
		c.Currency = DefaultCurrency
	}
	unit, err := currency.ParseISO(c.Currency)
	if err != nil {
		return fmt.Errorf("currency %q: not an ISO 4217 code", c.Currency)
	}
	c.Currency = unit.String()
	if c.PhoneRegion == "" {
		c.PhoneRegion = normalize.DefaultRegion
	}
	c.PhoneRegion = strings.ToUpper(c.PhoneRegion)
	if phonenumbers.GetCountryCodeForRegion(c.PhoneRegion) == 0 {
		return fmt.Errorf("phone_region %q: not a region with a telephone numbering plan "+
			"(ISO 3166, e.g. CN, US, BR)", c.PhoneRegion)
	}
	switch c.PurchaseTime {
	case "":
		c.PurchaseTime = PurchaseCreated
	case PurchaseCreated, PurchasePaid:
	default:
		return fmt.Errorf("purchase_time %q (created_at or paid_at)", c.PurchaseTime)
	}
	return nil
}

// DefaultCurrency is the currency of a config that names none.
const DefaultCurrency = "CNY"

// The purchase-time rules: the order time that dates a purchase.
const (
	PurchaseCreated = "created_at"
	PurchasePaid    = "paid_at"
)

// MinorDigits is the number of decimal digits of the currency's minor unit (2 for CNY: fen; 0
// for JPY; 3 for BHD), from CLDR's currency data (golang.org/x/text/currency).
func (c *Config) MinorDigits() int {
	cur := c.Currency
	if cur == "" {
		cur = DefaultCurrency
	}
	unit, err := currency.ParseISO(cur)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale
}

// mappingError is a problem with one field's mapping, at the mapping's own line.
type mappingError struct {
	field string
	line  int
	err   error
}

func (e *mappingError) Error() string {
	return fmt.Sprintf("column mapping of %s: %v", e.field, e.err)
}

func (r Rules) check() error {
	for _, group := range [][]string{r.BotUserAgents, r.TestNamePatterns} {
		for _, p := range group {
			if _, err := regexp.Compile("(?i)" + p); err != nil {
				return fmt.Errorf("pattern %q: %w", p, err)
			}
		}
	}
	return nil
}

func (s *Source) check(lookups map[string]bool) error {
	fields, ok := Kinds[s.Kind]
	if !ok {
		return fmt.Errorf("unknown kind %q (one of %s)", s.Kind, strings.Join(kindNames(), ", "))
	}
	if err := s.normalise(); err != nil {
		return err
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
	}
	for field, m := range s.Mappings {
		if !known[field] {
			return fmt.Errorf("columns: %q is not a field of kind %s", field, s.Kind)
		}
		if err := m.check(s.Kind, field, lookups); err != nil {
			return &mappingError{field: field, line: m.Line, err: err}
		}
	}
	for _, field := range s.SkipWhenEmpty {
		if !known[field] {
			return fmt.Errorf("skip_when_empty: %q is not a field of kind %s", field, s.Kind)
		}
	}
	s.Declared = map[string]bool{}
	for field := range s.Mappings {
		s.Declared[field] = true
	}
	if s.Mappings == nil {
		s.Mappings = map[string]Mapping{}
	}
	s.Columns = map[string]string{}
	for _, f := range fields {
		m, mapped := s.Mappings[f.Name]
		if !mapped {
			// An unmapped field is read from the column of the same name; map it to "" to ignore it.
			m = Mapping{Column: f.Name}
			s.Mappings[f.Name] = m
		}
		s.Columns[f.Name] = m.Column
	}
	return nil
}

// normalise checks and fills what every source read by the ingest stage has: format, path,
// encoding, compression, zone, money unit and split size.
func (s *Source) normalise() error {
	switch s.Format {
	case FormatCSV, FormatJSONL, FormatParquet:
	default:
		return fmt.Errorf("unknown format %q (csv, jsonl or parquet)", s.Format)
	}
	if s.Path == "" {
		return fmt.Errorf("path is empty")
	}
	if _, err := path.Match(s.Path, ""); err != nil {
		return fmt.Errorf("path %q: %w", s.Path, err)
	}
	s.Encoding = strings.ToLower(s.Encoding)
	switch s.Encoding {
	case "", "utf-8", "utf8":
		s.Encoding = "utf-8"
	case "gbk", "gb18030":
		if s.Format != FormatCSV {
			return fmt.Errorf("encoding %s is supported for csv only", s.Encoding)
		}
	default:
		return fmt.Errorf("unknown encoding %q (utf-8, gbk or gb18030)", s.Encoding)
	}
	if strings.HasSuffix(s.Path, ".gz") {
		s.Gzip = true
	}
	if s.Gzip && s.Format == FormatParquet {
		return fmt.Errorf("parquet files are compressed inside; gzip does not apply")
	}
	if s.Timezone == "" {
		s.Timezone = "UTC"
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil {
		return fmt.Errorf("timezone: %w", err)
	}
	switch s.MoneyUnit {
	case "", MoneyMajor, "yuan":
		s.MoneyUnit = MoneyMajor
	case MoneyMinor, "fen":
		s.MoneyUnit = MoneyMinor
	default:
		return fmt.Errorf("money_unit %q (major or minor; yuan and fen mean the same)", s.MoneyUnit)
	}
	if err := s.checkGrowth(); err != nil {
		return err
	}
	if s.SplitBytes == 0 {
		s.SplitBytes = DefaultSplitBytes
	}
	if s.SplitBytes < 1<<20 {
		return fmt.Errorf("split_bytes %d is below 1 MiB", s.SplitBytes)
	}
	if r := s.MaxRejectRate; r != nil && !(*r >= 0 && *r <= 1) {
		return fmt.Errorf("max_reject_rate %v: want a share from 0 to 1", *r)
	}
	if n := s.MinRows; n != nil && *n < 0 {
		return fmt.Errorf("min_rows %d: want 0 or more", *n)
	}
	switch {
	case s.MaxRecordLines < 0:
		return fmt.Errorf("max_record_lines %d is negative", s.MaxRecordLines)
	case s.MaxRecordLines > 0 && !s.Multiline:
		return fmt.Errorf("max_record_lines applies to multiline sources only")
	case s.Multiline && s.MaxRecordLines == 0:
		s.MaxRecordLines = DefaultMaxRecordLines
	}
	return nil
}

// Money units of a source: amounts in the currency's major unit, decimals allowed (yuan, reais),
// or in its minor unit, whole numbers (fen, centavos).
const (
	MoneyMajor = "major"
	MoneyMinor = "minor"
)

// Fields are the canonical fields the readers look for: the kind's fields (key and value for a
// lookup table), where a field with a constant or a default does not need its column.
func (s *Source) Fields() []Field {
	if s.Kind == KindLookup {
		return lookupFields
	}
	out := append([]Field(nil), Kinds[s.Kind]...)
	for i, f := range out {
		if m := s.Mappings[f.Name]; m.Value != nil || m.Default != nil || m.FromLines {
			out[i].Required = false
		}
	}
	return out
}

// Column returns the source column that holds a canonical field, or "" when the field is not
// mapped.
func (s *Source) Column(field string) string { return s.Columns[field] }

// Glob is the source's path glob resolved against the config's folder (URLs such as gs:// stay as
// they are).
func (c *Config) Glob(s Source) string {
	if strings.Contains(s.Path, "://") || filepath.IsAbs(s.Path) {
		return s.Path
	}
	return filepath.Join(c.Dir, s.Path)
}

// Lookup returns the source with the given name.
func (c *Config) Lookup(name string) (Source, bool) {
	for _, s := range c.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

func kindNames() []string {
	names := make([]string, 0, len(Kinds))
	for k := range Kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

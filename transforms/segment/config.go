package segment

import (
	"bytes"
	_ "embed" // the default segments file
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/segment/rules"
)

// DefaultFile is the name the embedded default segments file goes by in messages.
const DefaultFile = "transforms/segment/rules/default.yaml"

//go:embed rules/default.yaml
var defaultYAML []byte

// Config is everything the segment stage needs. Plain fields only: DoFns carry it.
type Config struct {
	// Date is the business day being built, YYYY-MM-DD: the run folder of the activation files.
	Date string
	// Output is the run's root folder (local path or gs://bucket/prefix); the activation CSV files
	// go to Output/dt=Date/activation_csv/. Empty: no CSV files are written.
	Output string
	// Rules are the rule segments, parsed and type-checked.
	Rules []Rule
	// Activation says who may be contacted and how often.
	Activation ActivationConfig
	// Clusters configures the k-means segmentation.
	Clusters ClusterConfig
	// Affinity configures the association rules and next best products.
	Affinity AffinityConfig
	// Associations configures the association analysis of customer characteristics.
	Associations AssociationConfig
	// Previous is the previous night's segment_summary, for previous_size and change; may be empty.
	Previous []schemas.SegmentSummary
}

// Rule is one rule segment of the segments file.
type Rule struct {
	// Name names the segment: lower-case letters, digits and _, unique in the file.
	Name string `yaml:"name"`
	// Description says what the segment is for.
	Description string `yaml:"description"`
	// Priority orders activated segments under the contact-frequency cap: 1 is served first.
	Priority int `yaml:"priority"`
	// Expression is a CEL expression over portrait columns that gives a bool (see package rules).
	Expression string `yaml:"expression"`
	// Activate makes the segment a marketing audience (activation table and CSV file).
	Activate bool `yaml:"activate"`
	// Line is where the segment is declared in the file, for messages.
	Line int `yaml:"-"`
}

// ActivationConfig limits who is contacted and how often.
type ActivationConfig struct {
	// WeeklyCap is the most marketing touches a person gets in 7 days across all segments,
	// touches_received_7d included (default 3).
	WeeklyCap int `yaml:"weekly_cap"`
}

// ClusterConfig configures k-means over portrait features.
type ClusterConfig struct {
	// K is the number of clusters; 0 chooses it in [KMin, KMax] by the mean silhouette.
	K int `yaml:"k"`
	// KMin and KMax bound the choice of k (defaults 2 and 8).
	KMin int `yaml:"k_min"`
	KMax int `yaml:"k_max"`
	// Restarts is the number of seeded k-means++ runs per k, the lowest inertia kept (default 10).
	Restarts int `yaml:"restarts"`
	// Seed seeds the training sample and the restarts (default 1).
	Seed uint64 `yaml:"seed"`
	// Sample bounds the persons the model is trained on (default 50,000), drawn by a seeded hash
	// of the person id; every person is then assigned to the nearest centroid.
	Sample int `yaml:"sample"`
	// Features is what the model is fitted on: FeaturesBehaviour (default) or FeaturesGrades.
	Features string `yaml:"features"`
}

// AffinityConfig configures the association rules over baskets of paid orders.
type AffinityConfig struct {
	// MinSupport is the least share of baskets holding a rule's items (default 0.001).
	MinSupport float64 `yaml:"min_support"`
	// MinCount is the least number of baskets holding a rule's items (default 10): with few
	// baskets it rules out patterns seen a handful of times.
	MinCount int `yaml:"min_count"`
	// MinConfidence is the least confidence of a rule (default 0.1).
	MinConfidence float64 `yaml:"min_confidence"`
	// MinLift is the least lift of a rule (default 1.0: only items bought together more often
	// than by chance).
	MinLift float64 `yaml:"min_lift"`
	// MinLen and MaxLen bound the items of a rule, both sides counted (defaults 2 and 3).
	MinLen int `yaml:"min_len"`
	MaxLen int `yaml:"max_len"`
	// MaxRules keeps the rules of highest support, per level (default 10,000): they are a side
	// input of every recommending worker.
	MaxRules int `yaml:"max_rules"`
	// Recommendations is the number of next best products per person (default 5).
	Recommendations int `yaml:"recommendations"`
}

// file is the YAML layout of a segments file; pointers tell an absent value from a zero.
type file struct {
	Activation struct {
		WeeklyCap *int `yaml:"weekly_cap"`
	} `yaml:"activation"`
	Clusters struct {
		K        *int    `yaml:"k"`
		KMin     *int    `yaml:"k_min"`
		KMax     *int    `yaml:"k_max"`
		Restarts *int    `yaml:"restarts"`
		Seed     *uint64 `yaml:"seed"`
		Sample   *int    `yaml:"sample"`
		Features *string `yaml:"features"`
	} `yaml:"clusters"`
	Affinity struct {
		MinSupport      *float64 `yaml:"min_support"`
		MinCount        *int     `yaml:"min_count"`
		MinConfidence   *float64 `yaml:"min_confidence"`
		MinLift         *float64 `yaml:"min_lift"`
		MinLen          *int     `yaml:"min_len"`
		MaxLen          *int     `yaml:"max_len"`
		MaxRules        *int     `yaml:"max_rules"`
		Recommendations *int     `yaml:"recommendations"`
	} `yaml:"affinity"`
	Associations struct {
		Characteristics []string `yaml:"characteristics"`
		MinSupport      *float64 `yaml:"min_support"`
		MinCount        *int     `yaml:"min_count"`
		MinLift         *float64 `yaml:"min_lift"`
		MaxLen          *int     `yaml:"max_len"`
		MaxRows         *int     `yaml:"max_rows"`
	} `yaml:"associations"`
	Segments []Rule `yaml:"segments"`
}

// LoadConfig reads and checks a segments file; "" reads the embedded default file. Date, Output
// and Previous are left for the caller. Every error names the file and, where it can, the line
// and the segment; expression errors carry CEL's message.
func LoadConfig(path string) (Config, error) {
	if path == "" {
		return ParseConfig(defaultYAML, DefaultFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("segments config: %w", err)
	}
	return ParseConfig(data, path)
}

// ParseConfig decodes and checks a segments file held in memory; name is used in messages.
func ParseConfig(data []byte, name string) (Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Config{}, fmt.Errorf("segments config %s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		return Config{}, fmt.Errorf("segments config %s: %w", name, err)
	}
	setLines(&root, f.Segments)
	cfg := Config{Rules: f.Segments}
	if err := cfg.fill(&f); err != nil {
		return Config{}, fmt.Errorf("segments config %s: %w", name, err)
	}
	if err := checkRules(cfg.Rules, name); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// setLines records where each segment is declared.
func setLines(root *yaml.Node, segs []Rule) {
	if len(root.Content) == 0 {
		return
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "segments" {
			for j, item := range doc.Content[i+1].Content {
				if j < len(segs) {
					segs[j].Line = item.Line
				}
			}
		}
	}
}

// fill sets the settings of f, or their defaults, and checks their ranges.
func (c *Config) fill(f *file) error {
	c.Activation.WeeklyCap = orDefault(f.Activation.WeeklyCap, 3)
	c.Clusters = ClusterConfig{
		K: orDefault(
			f.Clusters.K,
			0,
		), KMin: orDefault(f.Clusters.KMin, 2), KMax: orDefault(f.Clusters.KMax, 8),
		Restarts: orDefault(
			f.Clusters.Restarts,
			10,
		), Seed: orDefault(f.Clusters.Seed, 1), Sample: orDefault(f.Clusters.Sample, 50_000),
		Features: orDefault(f.Clusters.Features, FeaturesBehaviour),
	}
	a := &f.Affinity
	c.Affinity = AffinityConfig{
		MinSupport: orDefault(a.MinSupport, 0.001), MinCount: orDefault(a.MinCount, 10),
		MinConfidence: orDefault(a.MinConfidence, 0.1), MinLift: orDefault(a.MinLift, 1.0),
		MinLen: orDefault(a.MinLen, 2), MaxLen: orDefault(a.MaxLen, 3),
		MaxRules: orDefault(a.MaxRules, 10_000), Recommendations: orDefault(a.Recommendations, 5),
	}
	as := &f.Associations
	c.Associations = AssociationConfig{Characteristics: as.Characteristics,
		MinSupport: orDefault(as.MinSupport, 0.01), MinCount: orDefault(as.MinCount, 10),
		MinLift: orDefault(as.MinLift, 1.2), MaxLen: orDefault(as.MaxLen, 3),
		MaxRows: orDefault(as.MaxRows, 500)}
	if len(c.Associations.Characteristics) == 0 {
		c.Associations.Characteristics = defaultCharacteristics
	}
	return c.checkSettings()
}

func orDefault[T any](v *T, def T) T {
	if v == nil {
		return def
	}
	return *v
}

// checkSettings rejects settings out of range.
func (c *Config) checkSettings() error {
	k, a := c.Clusters, c.Affinity
	switch {
	case c.Activation.WeeklyCap < 0:
		return fmt.Errorf("activation.weekly_cap %d: must not be negative", c.Activation.WeeklyCap)
	case k.K < 0 || k.K > maxClusters:
		return fmt.Errorf("clusters.k %d: want 0 (choose by silhouette) to %d", k.K, maxClusters)
	case k.K == 0 && (k.KMin < 2 || k.KMax < k.KMin || k.KMax > maxClusters):
		return fmt.Errorf(
			"clusters.k_min %d, k_max %d: want 2 <= k_min <= k_max <= %d",
			k.KMin,
			k.KMax,
			maxClusters,
		)
	case k.Restarts < 1:
		return fmt.Errorf("clusters.restarts %d: want at least 1", k.Restarts)
	case k.Sample < 2:
		return fmt.Errorf("clusters.sample %d: want at least 2", k.Sample)
	case k.Features != FeaturesBehaviour && k.Features != FeaturesGrades:
		return fmt.Errorf("clusters.features %q: want %s or %s", k.Features, FeaturesBehaviour,
			FeaturesGrades)
	case !(a.MinSupport >= 0 && a.MinSupport <= 1):
		return fmt.Errorf("affinity.min_support %v: want 0 to 1", a.MinSupport)
	case a.MinCount < 1:
		return fmt.Errorf("affinity.min_count %d: want at least 1", a.MinCount)
	case !(a.MinConfidence >= 0 && a.MinConfidence <= 1):
		return fmt.Errorf("affinity.min_confidence %v: want 0 to 1", a.MinConfidence)
	case !(a.MinLift >= 0):
		return fmt.Errorf("affinity.min_lift %v: must not be negative", a.MinLift)
	case a.MinLen < 1 || a.MaxLen < a.MinLen:
		return fmt.Errorf(
			"affinity.min_len %d, max_len %d: want 1 <= min_len <= max_len",
			a.MinLen,
			a.MaxLen,
		)
	case a.MaxRules < 1:
		return fmt.Errorf("affinity.max_rules %d: want at least 1", a.MaxRules)
	case a.Recommendations < 0:
		return fmt.Errorf("affinity.recommendations %d: must not be negative", a.Recommendations)
	}
	return c.Associations.check()
}

// defaultCharacteristics are the characteristics combined when the file names none.
var defaultCharacteristics = []string{"contribution_grade", "activity_grade", "loyalty_grade",
	"credit_grade", "preferred_channel", "lifecycle", "age_band", "gender", "city_tier", "price_band"}

// check rejects association settings out of range.
func (a AssociationConfig) check() error {
	seen := map[string]bool{}
	for _, n := range a.Characteristics {
		if _, ok := Characteristics[n]; !ok {
			return fmt.Errorf("associations.characteristics: %q is not one of %s", n,
				strings.Join(slices.Sorted(maps.Keys(Characteristics)), ", "))
		}
		if seen[n] {
			return fmt.Errorf("associations.characteristics: %q is listed twice", n)
		}
		seen[n] = true
	}
	switch {
	case len(a.Characteristics) < 2:
		return fmt.Errorf(
			"associations.characteristics: want at least 2, got %d",
			len(a.Characteristics),
		)
	case !(a.MinSupport >= 0 && a.MinSupport <= 1):
		return fmt.Errorf("associations.min_support %v: want 0 to 1", a.MinSupport)
	case a.MinCount < 1:
		return fmt.Errorf("associations.min_count %d: want at least 1", a.MinCount)
	case !(a.MinLift >= 0):
		return fmt.Errorf("associations.min_lift %v: must not be negative", a.MinLift)
	case a.MaxLen < 2 || a.MaxLen > 3:
		return fmt.Errorf("associations.max_len %d: want 2 or 3", a.MaxLen)
	case a.MaxRows < 1:
		return fmt.Errorf("associations.max_rows %d: want at least 1", a.MaxRows)
	}
	return nil
}

// maxClusters bounds k: cluster segments are named cluster_01 to cluster_99.
const maxClusters = 99

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// checkRules checks names, priorities and expressions; name is the file, for messages.
func checkRules(rs []Rule, name string) error {
	seen := map[string]int{}
	for _, r := range rs {
		where := fmt.Sprintf("segments config %s, line %d, segment %q", name, r.Line, r.Name)
		if !nameRE.MatchString(r.Name) {
			return fmt.Errorf(
				"%s: name must be 1 to 63 lower-case letters, digits and _, starting with a letter",
				where,
			)
		}
		if prev, dup := seen[r.Name]; dup {
			return fmt.Errorf("%s: name already used at line %d", where, prev)
		}
		seen[r.Name] = r.Line
		if r.Priority < 1 {
			return fmt.Errorf("%s: priority %d: want 1 (served first) or more", where, r.Priority)
		}
		if r.Expression == "" {
			return fmt.Errorf("%s: expression is empty", where)
		}
		if _, err := rules.Compile(r.Expression); err != nil {
			return fmt.Errorf("%s: expression: %w", where, err)
		}
	}
	return nil
}
